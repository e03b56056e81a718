//! [`Collector`]: the one sink every reader writes events into, and the step that turns what
//! was collected into a [`History`].
//!
//! Readers push events as dictionary codes (deal, activity), a UTC timestamp, a kind and the
//! line they came from, plus attribute values; they report row problems here too. At the end,
//! [`Collector::finish`] applies what is decided across files: the lifecycle filter, stage
//! names mapped onto the map (unknown ones listed with a suggested alias), duplicates kept
//! once or reported, and builds the history in a canonical form: deals, activities and
//! attribute values are interned in order of first use by the kept events, so reading the
//! normalized CSV that [`crate::write_csv`] writes gives back an identical history. The result
//! is an [`Imported`]: the history, its problems and the summary.

use jiff::tz::TimeZone;
use salesmap_core::history::{Column, EventKind, History, Interner};
use salesmap_core::map::Map;

use crate::dictionary::{Dictionary, Recent};
use crate::mapping::{ColumnMapping, MappingUse, TouchNames};
use crate::options::{Attributes, Duplicates, ImportOptions};
use crate::problem::{ImportError, Problem, ProblemKind};
use crate::stage_names;
use crate::summary::{FileSummary, StageCount, Summary, UnknownStage};
use crate::timestamp::{DateFormat, format_timestamp};

/// The result of an import: the history, the problems found, and what was read.
#[derive(Clone, Debug)]
pub struct Imported {
    pub history: History,
    pub problems: Vec<Problem>,
    pub summary: Summary,
}

/// Where an attribute column goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target {
    Event(usize),
    Deal(usize),
}

/// Bytes per block: big enough that starting threads is noise, small enough to stay in memory.
pub(crate) const BLOCK: usize = 8 << 20;

/// Problems listed one by one per file; the rest are counted.
const PROBLEMS_PER_FILE: usize = 10_000;

#[derive(Debug, Default)]
pub(crate) struct AttrColumn {
    name: String,
    dict: Dictionary,
    /// 0 = missing, `k` = `dict` code `k - 1`.
    codes: Vec<u32>,
    recent: Recent,
}

pub(crate) struct Collector {
    map: Option<Map>,
    lifecycle: Option<Vec<String>>,
    duplicates: Option<Duplicates>,
    keep_attributes: bool,
    strict: bool,
    pub(crate) zone: Option<TimeZone>,
    pub(crate) date_format: Option<DateFormat>,
    pub(crate) columns: ColumnMapping,
    /// Which mapping options the files used, checked when the import finishes.
    pub(crate) mapping_use: MappingUse,
    touches: TouchNames,
    /// Block size and threads for reading plain long CSVs in parallel (`sources::long_csv::blocks`);
    /// `None` reads row by row.
    pub(crate) blocks: Option<(usize, usize)>,
    /// Size of the file being read when it is stored uncompressed: readers that know their
    /// bytes per event reserve the event columns once instead of growing them.
    pub(crate) file_bytes: Option<u64>,

    deals: Dictionary,
    recent_deal: Recent,
    activities: Dictionary,
    recent_activity: Recent,
    deal: Vec<u32>,
    activity: Vec<u32>,
    time: Vec<i64>,
    kind: Vec<EventKind>,
    /// Per event: the line it came from (saturating); the file is found from `file_start`.
    line: Vec<u32>,
    /// Per file: the first event it contributed.
    file_start: Vec<usize>,
    event_attrs: Vec<AttrColumn>,
    deal_attrs: Vec<AttrColumn>,

    problems: Vec<Problem>,
    files: Vec<FileSummary>,
    /// Per file: whether it is an event log that keeps duplicates (XES).
    keeps_duplicates: Vec<bool>,
    listed_problems: usize,
    unlisted_problems: usize,
}

impl Collector {
    pub(crate) fn new(options: &ImportOptions) -> Result<Collector, ImportError> {
        let zone = match options.timezone.as_ref().or(options.columns.timezone.as_ref()) {
            None => None,
            Some(name) => Some(TimeZone::get(name).map_err(|e| ImportError::Option {
                message: format!(
                    "unknown time zone `{name}`: {e}\n  help: use an IANA name such as Asia/Seoul, Europe/Berlin or UTC"
                ),
            })?),
        };
        Ok(Collector {
            map: options.map.clone(),
            lifecycle: options.lifecycle.clone(),
            duplicates: options.duplicates,
            keep_attributes: options.attributes == Attributes::All,
            strict: options.strict,
            zone,
            date_format: options
                .date_format
                .clone()
                .or_else(|| options.columns.date_format.clone()),
            columns: options.columns.clone(),
            mapping_use: MappingUse::default(),
            touches: TouchNames::new(&options.columns.touches),
            file_bytes: None,
            blocks: match std::thread::available_parallelism().map_or(1, |n| n.get()) {
                1 => None,
                threads => Some((BLOCK, threads)),
            },
            deals: Dictionary::default(),
            recent_deal: Recent::default(),
            activities: Dictionary::default(),
            recent_activity: Recent::default(),
            deal: Vec::new(),
            activity: Vec::new(),
            time: Vec::new(),
            kind: Vec::new(),
            line: Vec::new(),
            file_start: Vec::new(),
            event_attrs: Vec::new(),
            deal_attrs: Vec::new(),
            problems: Vec::new(),
            files: Vec::new(),
            keeps_duplicates: Vec::new(),
            listed_problems: 0,
            unlisted_problems: 0,
        })
    }

    /// Starts a file: events pushed from now on come from it. `event_log` files (XES) keep
    /// identical events by default, as PM4Py does.
    pub(crate) fn begin_file(&mut self, file: &str, format: &'static str, event_log: bool) {
        self.files.push(FileSummary {
            file: file.to_string(),
            format,
            rows: 0,
            events: 0,
            rows_with_problems: 0,
            notes: Vec::new(),
        });
        self.keeps_duplicates.push(event_log);
        self.file_start.push(self.len());
        self.listed_problems = 0;
        self.unlisted_problems = 0;
    }

    fn file_index(&self) -> usize {
        self.files.len().saturating_sub(1)
    }

    pub(crate) fn file_name(&self) -> &str {
        self.files.last().map(|f| f.file.as_str()).unwrap_or("")
    }

    /// Ends the current file with the number of rows (records, or XES events) it had.
    pub(crate) fn end_file(&mut self, rows: u64) {
        let start_events = self.files[..self.file_index()]
            .iter()
            .map(|f| f.events)
            .sum::<usize>();
        let events = self.len() - start_events;
        if self.unlisted_problems > 0 {
            let file = self.file_name().to_string();
            self.problems.push(Problem {
                kind: ProblemKind::More,
                file,
                row: None,
                column: None,
                reason: format!(
                    "{} more problems in this file are not listed",
                    self.unlisted_problems
                ),
                help: Some("fix the problems above and import again to see the rest".into()),
            });
        }
        if let Some(summary) = self.files.last_mut() {
            summary.rows = rows;
            summary.events = events;
        }
    }

    pub(crate) fn note(&mut self, note: String) {
        if let Some(summary) = self.files.last_mut() {
            summary.notes.push(note);
        }
    }

    pub(crate) fn keep_attributes(&self) -> bool {
        self.keep_attributes
    }

    pub(crate) fn len(&self) -> usize {
        self.time.len()
    }

    pub(crate) fn deal_code(&mut self, bytes: &[u8]) -> Result<u32, std::str::Utf8Error> {
        self.recent_deal.code(&mut self.deals, bytes)
    }

    pub(crate) fn activity_code(&mut self, bytes: &[u8]) -> Result<u32, std::str::Utf8Error> {
        self.recent_activity.code(&mut self.activities, bytes)
    }

    /// Appends an event at row [`Collector::len`] (the slot used for time patches).
    pub(crate) fn push(&mut self, deal: u32, activity: u32, time: i64, kind: EventKind, line: u64) {
        self.deal.push(deal);
        self.activity.push(activity);
        self.time.push(time);
        self.kind.push(kind);
        self.line.push(line.min(u32::MAX as u64) as u32);
    }

    /// Takes in the deal ids and activity names a part interned on its own (see
    /// `sources::long_csv::blocks`); returns their codes here, indexed by the part's codes.
    pub(crate) fn absorb(&mut self, deals: Interner, activities: Interner) -> (Vec<u32>, Vec<u32>) {
        (self.deals.absorb(deals), self.activities.absorb(activities))
    }

    /// Makes room for `events` more events and `deals` more deals.
    pub(crate) fn reserve(&mut self, events: usize, deals: usize) {
        self.deals.reserve(deals);
        self.deal.reserve(events);
        self.activity.reserve(events);
        self.time.reserve(events);
        self.kind.reserve(events);
        self.line.reserve(events);
    }

    /// Appends a batch of events read elsewhere (`sources::long_csv::blocks`): deal and activity codes
    /// through the `deal_code` and `activity_code` maps, lines counted from `first_line`.
    pub(crate) fn extend(&mut self, events: Events<'_>, first_line: u64) {
        let (deal_code, activity_code) = (events.deal_code, events.activity_code);
        self.deal
            .extend(events.deal.iter().map(|&d| deal_code[d as usize]));
        self.activity
            .extend(events.activity.iter().map(|&a| activity_code[a as usize]));
        self.time.extend_from_slice(events.time);
        self.kind.extend_from_slice(events.kind);
        self.line.extend(
            events
                .line
                .iter()
                .map(|&l| (first_line + l as u64).min(u32::MAX as u64) as u32),
        );
    }

    /// Corrects timestamps once a file's day/month order is known.
    pub(crate) fn patch_times(&mut self, patches: &[(usize, i64)]) {
        for &(row, micros) in patches {
            if let Some(t) = self.time.get_mut(row) {
                *t = micros;
            }
        }
    }

    pub(crate) fn event_column(&mut self, name: &str) -> usize {
        column_index(&mut self.event_attrs, name)
    }

    pub(crate) fn deal_column(&mut self, name: &str) -> usize {
        column_index(&mut self.deal_attrs, name)
    }

    /// Sets an event attribute of `row`; empty values are missing values.
    pub(crate) fn set_event_attr(
        &mut self,
        column: usize,
        row: usize,
        value: &[u8],
    ) -> Result<(), std::str::Utf8Error> {
        set_value(&mut self.event_attrs[column], row, value)
    }

    /// The codes (value code + 1) that the names of a part's dictionary have in attribute
    /// column `target`, interning the new ones in the part's order.
    pub(crate) fn attr_codes(&mut self, target: Target, names: &Interner) -> Vec<u32> {
        let column = self.attr_column(target);
        names
            .names()
            .iter()
            .map(|name| column.dict.code_of_str(name) + 1)
            .collect()
    }

    /// Sets attribute `target` of event row or deal `index` to a code from
    /// [`Collector::attr_codes`].
    pub(crate) fn set_attr_code(&mut self, target: Target, index: usize, code: u32) {
        let column = self.attr_column(target);
        if column.codes.len() <= index {
            column.codes.resize(index + 1, 0);
        }
        column.codes[index] = code;
    }

    fn attr_column(&mut self, target: Target) -> &mut AttrColumn {
        match target {
            Target::Event(c) => &mut self.event_attrs[c],
            Target::Deal(c) => &mut self.deal_attrs[c],
        }
    }

    /// Sets a deal attribute; the last non-empty value wins.
    pub(crate) fn set_deal_attr(
        &mut self,
        column: usize,
        deal: u32,
        value: &[u8],
    ) -> Result<(), std::str::Utf8Error> {
        set_value(&mut self.deal_attrs[column], deal as usize, value)
    }

    pub(crate) fn problem(
        &mut self,
        kind: ProblemKind,
        row: Option<u64>,
        column: Option<&str>,
        reason: String,
        help: Option<&str>,
    ) {
        if let Some(summary) = self.files.last_mut()
            && row.is_some()
        {
            summary.rows_with_problems += 1;
        }
        if self.listed_problems >= PROBLEMS_PER_FILE {
            self.unlisted_problems += 1;
            return;
        }
        self.listed_problems += 1;
        self.problems.push(Problem {
            kind,
            file: self.file_name().to_string(),
            row,
            column: column.map(str::to_string),
            reason,
            help: help.map(str::to_string),
        });
    }

    /// Reports a value that is not UTF-8.
    pub(crate) fn encoding_problem(&mut self, row: u64, column: &str) {
        self.problem(
            ProblemKind::Encoding,
            Some(row),
            Some(column),
            "the value is not UTF-8 text; the row is skipped".into(),
            Some(ENCODING_HELP),
        );
    }

    /// Builds the history.
    pub(crate) fn finish(mut self) -> Result<Imported, ImportError> {
        self.mapping_use.check(&self.columns)?;
        let n = self.len();
        let mut keep = vec![true; n];
        let filtered_lifecycle = self.filter_lifecycle(&mut keep);
        let notes = self.apply_touches(&keep);

        // Final activity names: stage entries mapped onto the map, touches as written.
        let mut names = Dictionary::default();
        let mut stage_final = vec![u32::MAX; self.activities.len()];
        let mut touch_final = vec![u32::MAX; self.activities.len()];
        let mut unknown: Vec<(u32, usize, usize)> = Vec::new(); // (activity, events, first row)
        for (row, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            let a = self.activity[row] as usize;
            match self.kind[row] {
                EventKind::StageEntry if stage_final[a] == u32::MAX => {
                    let name = self.activities.name(a as u32);
                    let mapped = match &self.map {
                        None => name.to_string(),
                        Some(map) => match map.resolve_name(name) {
                            Some(ix) => map.stage(ix).id.clone(),
                            None => {
                                unknown.push((a as u32, 0, row));
                                name.to_string()
                            }
                        },
                    };
                    stage_final[a] = names.code_of_str(&mapped);
                }
                EventKind::Touch if touch_final[a] == u32::MAX => {
                    touch_final[a] = names.code_of_str(self.activities.name(a as u32));
                }
                _ => {}
            }
        }
        let final_activity = |row: usize, kind: &[EventKind], activity: &[u32]| match kind[row] {
            EventKind::StageEntry => stage_final[activity[row] as usize],
            EventKind::Touch => touch_final[activity[row] as usize],
        };

        let groups = DealGroups::new(&self.deal, &keep, self.deals.len());
        let (duplicates_dropped, duplicates_across_files, duplicates_kept) =
            self.mark_duplicates(&mut keep, &groups, |row, k, a| final_activity(row, k, a));
        // Events, touches and deals per final activity name, from the deal groups at hand.
        let mut name_counts = vec![(0usize, 0usize, 0usize); names.len()];
        let mut last_deal = vec![u32::MAX; names.len()];
        for d in 0..self.deals.len() {
            for &row in groups.of(d) {
                let row = row as usize;
                if !keep[row] {
                    continue;
                }
                let a = final_activity(row, &self.kind, &self.activity) as usize;
                match self.kind[row] {
                    EventKind::StageEntry => name_counts[a].0 += 1,
                    EventKind::Touch => name_counts[a].1 += 1,
                }
                if last_deal[a] != d as u32 {
                    last_deal[a] = d as u32;
                    name_counts[a].2 += 1;
                }
            }
        }
        drop(groups);

        let unknown_stages = self.report_unknown_stages(&keep, &mut unknown);

        // Build the history in first-use order, compacting the event columns in place and
        // moving them (and the deal ids, when their codes do not change) into the history.
        let mut history = History::default();
        for column in &self.event_attrs {
            let kept_rows = keep.iter().enumerate().filter(|(_, k)| **k).map(|(r, _)| r);
            if let Some(built) = rebuild_column(column, kept_rows) {
                history.event_attrs.push(built);
            }
        }
        let mut deal_new = vec![u32::MAX; self.deals.len()];
        let mut deal_old: Vec<u32> = Vec::new();
        let mut activity_new = vec![u32::MAX; names.len()];
        let mut kept = 0;
        for (row, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            let d = self.deal[row] as usize;
            if deal_new[d] == u32::MAX {
                deal_new[d] = deal_old.len() as u32;
                deal_old.push(d as u32);
            }
            let a = final_activity(row, &self.kind, &self.activity) as usize;
            if activity_new[a] == u32::MAX {
                activity_new[a] = history.activities.intern(names.name(a as u32));
            }
            self.deal[kept] = deal_new[d];
            self.activity[kept] = activity_new[a];
            if kept != row {
                self.time[kept] = self.time[row];
                self.kind[kept] = self.kind[row];
            }
            kept += 1;
        }
        for column in [&mut self.deal, &mut self.activity] {
            column.truncate(kept);
        }
        self.time.truncate(kept);
        self.kind.truncate(kept);
        history.deal = std::mem::take(&mut self.deal);
        history.activity = std::mem::take(&mut self.activity);
        history.time = std::mem::take(&mut self.time);
        history.kind = std::mem::take(&mut self.kind);
        let deals_without_events = self.deals.len() - deal_old.len();
        let same_codes =
            deals_without_events == 0 && deal_old.iter().enumerate().all(|(i, &d)| i == d as usize);
        for column in &self.deal_attrs {
            if let Some(built) = rebuild_column(column, deal_old.iter().map(|&d| d as usize)) {
                history.deal_attrs.push(built);
            }
        }
        let deals = std::mem::take(&mut self.deals);
        history.deals = if same_codes {
            deals.into_interner()
        } else {
            let mut interner = Interner::default();
            for &d in &deal_old {
                interner.intern(deals.name(d));
            }
            interner
        };

        let mut stage_counts = vec![(0, 0, 0); history.activities.len()];
        for (name, &code) in activity_new.iter().enumerate() {
            if code != u32::MAX {
                stage_counts[code as usize] = name_counts[name];
            }
        }
        let mut summary = self.summarize(
            &history,
            &stage_counts,
            unknown_stages,
            (duplicates_dropped, duplicates_across_files, duplicates_kept),
            filtered_lifecycle,
            deals_without_events,
        );
        summary.notes = notes;
        if self.strict && !self.problems.is_empty() {
            let count = self.problems.len();
            let first = self.problems.swap_remove(0);
            return Err(ImportError::Strict {
                count,
                first: Box::new(first),
            });
        }
        Ok(Imported {
            history,
            problems: self.problems,
            summary,
        })
    }

    /// Makes every stage entry whose activity the mapping names as a touch a touch, whatever
    /// the file said; returns a note for each touch name that matched no activity.
    fn apply_touches(&mut self, keep: &[bool]) -> Vec<String> {
        if self.touches.is_empty() {
            return Vec::new();
        }
        let matched_by: Vec<Option<usize>> = (0..self.activities.len() as u32)
            .map(|a| self.touches.find(self.activities.name(a)))
            .collect();
        let mut used = vec![false; self.touches.len()];
        for (row, _) in keep.iter().enumerate().filter(|(_, k)| **k) {
            if let Some(p) = matched_by[self.activity[row] as usize] {
                used[p] = true;
                self.kind[row] = EventKind::Touch;
            }
        }
        used.iter()
            .enumerate()
            .filter(|(_, used)| !**used)
            .map(|(p, _)| {
                format!(
                    "the touch name `{}` matches no activity in the files, so nothing was read as a touch by it",
                    self.touches.pattern(p)
                )
            })
            .collect()
    }

    fn filter_lifecycle(&self, keep: &mut [bool]) -> usize {
        let Some(wanted) = &self.lifecycle else {
            return 0;
        };
        let wanted: Vec<String> = wanted.iter().map(|w| w.trim().to_lowercase()).collect();
        let column = self
            .event_attrs
            .iter()
            .find(|c| c.name == "lifecycle:transition" || c.name == "lifecycle");
        let mut dropped = 0;
        for (row, keep) in keep.iter_mut().enumerate() {
            let value = column.and_then(|c| match c.codes.get(row).copied().unwrap_or(0) {
                0 => None,
                code => Some(c.dict.name(code - 1)),
            });
            let ok = value.is_some_and(|v| wanted.iter().any(|w| *w == v.to_lowercase()));
            if !ok {
                *keep = false;
                dropped += 1;
            }
        }
        dropped
    }

    /// Marks later copies of the same event (same deal, stage, time and kind, and no event
    /// attribute with two different values); a dropped copy's attribute values fill the
    /// kept one's gaps. Copies within one file are reported; copies across files are what
    /// joining overlapping exports gives, and are only counted. Returns (dropped, dropped
    /// across files, kept) copy counts.
    fn mark_duplicates(
        &mut self,
        keep: &mut [bool],
        groups: &DealGroups,
        final_activity: impl Fn(usize, &[EventKind], &[u32]) -> u32,
    ) -> (usize, usize, usize) {
        // Copies share a deal and a time: look only within deals that have two events at the
        // same time, comparing the events of each (time, stage, kind) run in input order.
        let mut copies: Vec<(usize, usize)> = Vec::new();
        let mut keys: Vec<(i64, u32, u8, u32)> = Vec::new();
        let mut dropped: Vec<bool> = Vec::new();
        for d in 0..self.deals.len() {
            let group = groups.of(d);
            if group
                .windows(2)
                .all(|w| self.time[w[0] as usize] < self.time[w[1] as usize])
            {
                continue;
            }
            keys.clear();
            keys.extend(group.iter().enumerate().map(|(i, &row)| {
                let row = row as usize;
                let activity = final_activity(row, &self.kind, &self.activity);
                (self.time[row], activity, self.kind[row] as u8, i as u32)
            }));
            keys.sort_unstable();
            for run in keys.chunk_by(|x, y| (x.0, x.1, x.2) == (y.0, y.1, y.2)) {
                if run.len() < 2 {
                    continue;
                }
                dropped.clear();
                dropped.resize(run.len(), false);
                for i in 1..run.len() {
                    let row = group[run[i].3 as usize] as usize;
                    let earlier = (0..i).find(|&j| {
                        !dropped[j] && self.compatible(group[run[j].3 as usize] as usize, row)
                    });
                    if let Some(j) = earlier {
                        copies.push((group[run[j].3 as usize] as usize, row));
                        dropped[i] = true;
                    }
                }
            }
        }
        copies.sort_unstable_by_key(|&(_, row)| row);
        let (mut dropped, mut across, mut kept) = (0, 0, 0);
        let mut found: Vec<(usize, usize)> = Vec::new();
        for (earlier, row) in copies {
            let file = self.file_of(row);
            let policy = self.duplicates.unwrap_or(if self.keeps_duplicates[file] {
                Duplicates::KeepAll
            } else {
                Duplicates::KeepOnce
            });
            if policy == Duplicates::KeepAll {
                kept += 1;
                continue;
            }
            keep[row] = false;
            dropped += 1;
            for column in &mut self.event_attrs {
                let code = column.codes.get(row).copied().unwrap_or(0);
                if code != 0 && column.codes.get(earlier).copied().unwrap_or(0) == 0 {
                    if column.codes.len() <= earlier {
                        column.codes.resize(earlier + 1, 0);
                    }
                    column.codes[earlier] = code;
                }
            }
            if self.file_of(earlier) == file {
                found.push((earlier, row));
            } else {
                across += 1;
            }
        }
        for (earlier, row) in found {
            let (file, line) = self.origin_of(row);
            let (_, earlier_line) = self.origin_of(earlier);
            let problem = Problem {
                kind: ProblemKind::Duplicate,
                file: self.files[file].file.clone(),
                row: Some(line),
                column: None,
                reason: format!(
                    "the same event as line {earlier_line} (deal `{}`, `{}` at {}): kept once",
                    self.deals.name(self.deal[row]),
                    self.activities.name(self.activity[row]),
                    format_timestamp(self.time[row])
                ),
                help: Some("remove the repeated row from the export, or pass --duplicates keep to keep every copy".into()),
            };
            self.problems.push(problem);
        }
        (dropped, across, kept)
    }

    /// No event attribute has two different values.
    fn compatible(&self, a: usize, b: usize) -> bool {
        self.event_attrs.iter().all(|c| {
            let x = c.codes.get(a).copied().unwrap_or(0);
            let y = c.codes.get(b).copied().unwrap_or(0);
            x == 0 || y == 0 || x == y
        })
    }

    fn origin_of(&self, row: usize) -> (usize, u64) {
        (self.file_of(row), self.line[row] as u64)
    }

    /// The file event `row` came from.
    fn file_of(&self, row: usize) -> usize {
        self.file_start
            .partition_point(|&start| start <= row)
            .saturating_sub(1)
    }

    fn report_unknown_stages(
        &mut self,
        keep: &[bool],
        unknown: &mut [(u32, usize, usize)],
    ) -> Vec<UnknownStage> {
        let Some(map) = &self.map else {
            return Vec::new();
        };
        if unknown.is_empty() {
            return Vec::new();
        }
        let mut index = vec![usize::MAX; self.activities.len()];
        for (i, u) in unknown.iter().enumerate() {
            index[u.0 as usize] = i;
        }
        for row in 0..self.len() {
            if keep[row] && self.kind[row] == EventKind::StageEntry {
                let i = index[self.activity[row] as usize];
                if i != usize::MAX {
                    unknown[i].1 += 1;
                }
            }
        }
        let mut listed = Vec::new();
        let mut problems = Vec::new();
        for &(activity, events, first_row) in unknown.iter() {
            let name = self.activities.name(activity).to_string();
            let suggestion = stage_names::suggest(map, &name).map(|ix| map.stage(ix).id.clone());
            let help = match &suggestion {
                Some(id) => {
                    format!("if it is the map's stage `{id}`, add `{name}` to that stage's aliases")
                }
                None => format!(
                    "add `{name}` to the aliases of the stage it stands for, or add the stage to the map"
                ),
            };
            let (file, line) = self.origin_of(first_row);
            problems.push(Problem {
                kind: ProblemKind::UnknownStage,
                file: self.files[file].file.clone(),
                row: Some(line),
                column: None,
                reason: format!(
                    "stage `{name}` is not in the map ({events} event{}); kept under this name",
                    if events == 1 { "" } else { "s" }
                ),
                help: Some(help),
            });
            listed.push(UnknownStage {
                name,
                events,
                suggestion,
            });
        }
        self.problems.extend(problems);
        listed
    }

    /// What was read. `stage_counts` holds per history activity: stage entries, touches and
    /// deals.
    fn summarize(
        &self,
        history: &History,
        stage_counts: &[(usize, usize, usize)],
        unknown_stages: Vec<UnknownStage>,
        (duplicates_dropped, duplicates_across_files, duplicates_kept): (usize, usize, usize),
        filtered_lifecycle: usize,
        deals_without_events: usize,
    ) -> Summary {
        let mut stages: Vec<StageCount> = Vec::new();
        let mut touches: Vec<StageCount> = Vec::new();
        let mut by_map: Vec<Option<usize>> = Vec::new();
        for (a, &(entries, touch, deals)) in stage_counts.iter().enumerate() {
            let name = history.activities.name(a as u32).to_string();
            if entries > 0 {
                by_map.push(
                    self.map
                        .as_ref()
                        .and_then(|m| m.find(&name))
                        .map(|ix| ix.index()),
                );
                stages.push(StageCount {
                    name: name.clone(),
                    events: entries,
                    deals,
                });
            }
            if touch > 0 {
                touches.push(StageCount {
                    name,
                    events: touch,
                    deals,
                });
            }
        }
        if self.map.is_some() {
            let mut paired: Vec<(Option<usize>, usize, StageCount)> = by_map
                .into_iter()
                .enumerate()
                .zip(stages)
                .map(|((i, ix), s)| (ix, i, s))
                .collect();
            paired.sort_by_key(|(ix, i, _)| (ix.unwrap_or(usize::MAX), *i));
            stages = paired.into_iter().map(|(_, _, s)| s).collect();
        }
        Summary {
            files: self.files.clone(),
            deals: history.deals.len(),
            events: history.len(),
            stage_entries: history
                .kind
                .iter()
                .filter(|&&k| k == EventKind::StageEntry)
                .count(),
            touches: history
                .kind
                .iter()
                .filter(|&&k| k == EventKind::Touch)
                .count(),
            first: history.time.iter().copied().min(),
            last: history.time.iter().copied().max(),
            stages,
            touch_types: touches,
            mapped: self.map.is_some(),
            unknown_stages,
            duplicates_dropped,
            duplicates_across_files,
            duplicates_kept,
            filtered_lifecycle,
            deals_without_events,
            notes: Vec::new(),
        }
    }
}

/// A batch of events for [`Collector::extend`]: per event a part-local deal and activity
/// code, time, kind and line; and the maps from local codes to the collector's.
pub(crate) struct Events<'a> {
    pub(crate) deal: &'a [u32],
    pub(crate) activity: &'a [u32],
    pub(crate) time: &'a [i64],
    pub(crate) kind: &'a [EventKind],
    pub(crate) line: &'a [u32],
    pub(crate) deal_code: &'a [u32],
    pub(crate) activity_code: &'a [u32],
}

/// Kept rows grouped by deal (a counting sort: each deal's rows in input order).
struct DealGroups {
    start: Vec<u32>,
    rows: Vec<u32>,
}

impl DealGroups {
    fn new(deal: &[u32], keep: &[bool], deals: usize) -> DealGroups {
        // An export written deal by deal, every row kept: the groups are the rows in order.
        let in_runs = deal.first().is_none_or(|&d| d == 0)
            && deal.windows(2).all(|w| w[1] == w[0] || w[1] == w[0] + 1)
            && deal.last().is_none_or(|&d| d as usize + 1 == deals)
            && keep.iter().all(|&k| k);
        if in_runs {
            let mut start = Vec::with_capacity(deals + 1);
            start.push(0);
            for (row, w) in deal.windows(2).enumerate() {
                if w[1] != w[0] {
                    start.push(row as u32 + 1);
                }
            }
            start.push(deal.len() as u32);
            if start.len() == deals + 1 {
                return DealGroups {
                    start,
                    rows: (0..deal.len() as u32).collect(),
                };
            }
        }
        let mut start = vec![0u32; deals + 1];
        for (&d, _) in deal.iter().zip(keep).filter(|(_, k)| **k) {
            start[d as usize + 1] += 1;
        }
        for d in 0..deals {
            start[d + 1] += start[d];
        }
        let mut next = start.clone();
        let mut rows = vec![0u32; start[deals] as usize];
        for (row, (&d, _)) in deal.iter().zip(keep).enumerate().filter(|(_, (_, k))| **k) {
            rows[next[d as usize] as usize] = row as u32;
            next[d as usize] += 1;
        }
        DealGroups { start, rows }
    }

    fn of(&self, deal: usize) -> &[u32] {
        &self.rows[self.start[deal] as usize..self.start[deal + 1] as usize]
    }
}

pub(crate) const ENCODING_HELP: &str = "save the export as UTF-8 (in Excel: Save As › CSV UTF-8); Korean Windows exports are often CP949";

fn column_index(columns: &mut Vec<AttrColumn>, name: &str) -> usize {
    match columns.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            columns.push(AttrColumn {
                name: name.to_string(),
                ..AttrColumn::default()
            });
            columns.len() - 1
        }
    }
}

fn set_value(column: &mut AttrColumn, row: usize, value: &[u8]) -> Result<(), std::str::Utf8Error> {
    let value = value.trim_ascii();
    if value.is_empty() {
        return Ok(());
    }
    let code = column.recent.code(&mut column.dict, value)? + 1;
    if column.codes.len() <= row {
        column.codes.resize(row + 1, 0);
    }
    column.codes[row] = code;
    Ok(())
}

/// The column over `rows` (old indices, in new order), with its dictionary in first-use
/// order; `None` when no row has a value.
fn rebuild_column(column: &AttrColumn, rows: impl Iterator<Item = usize>) -> Option<Column> {
    let mut new_code = vec![0u32; column.dict.len()];
    let mut built = Column::new(&column.name);
    built.dict = Interner::default();
    let mut any = false;
    for old in rows {
        let code = column.codes.get(old).copied().unwrap_or(0);
        if code == 0 {
            built.codes.push(0);
            continue;
        }
        any = true;
        let slot = &mut new_code[(code - 1) as usize];
        if *slot == 0 {
            *slot = built.dict.intern(column.dict.name(code - 1)) + 1;
        }
        built.codes.push(*slot);
    }
    any.then_some(built)
}
