//! [`Summary`]: what an import read, in the words a sales-ops person checks first: how many
//! deals and events, over which dates, which stages were found, which stages the map does
//! not know, and what each file's format could not carry (a HubSpot export keeps only the
//! latest entry into each stage, for instance).

use std::fmt;

use crate::timestamp::format_timestamp;

/// What one file contributed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSummary {
    pub file: String,
    /// The recognised format, e.g. `Salesforce OpportunityHistory`.
    pub format: &'static str,
    /// Records read (CSV rows after the header, XES events).
    pub rows: u64,
    /// Events taken from the file, before duplicates and filters.
    pub events: usize,
    pub rows_with_problems: usize,
    /// What the format could not carry, rows read for attributes only, and similar remarks.
    pub notes: Vec<String>,
}

/// Events of one stage (or one touch type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageCount {
    pub name: String,
    pub events: usize,
    pub deals: usize,
}

/// A stage name the map does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownStage {
    pub name: String,
    pub events: usize,
    /// The map stage id it most resembles, as a candidate alias.
    pub suggestion: Option<String>,
}

/// What an import read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub files: Vec<FileSummary>,
    pub deals: usize,
    pub events: usize,
    pub stage_entries: usize,
    pub touches: usize,
    /// Earliest and latest event, UTC microseconds.
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Stages found, in map order when a map was given (unknown stages last), else in order of
    /// first sight.
    pub stages: Vec<StageCount>,
    pub touch_types: Vec<StageCount>,
    /// Whether stage names were mapped onto a map.
    pub mapped: bool,
    pub unknown_stages: Vec<UnknownStage>,
    /// Repeated events dropped (kept once).
    pub duplicates_dropped: usize,
    /// Of those, events repeated across files (overlapping exports joined on the deal).
    pub duplicates_across_files: usize,
    /// Identical events kept (event logs keep every event).
    pub duplicates_kept: usize,
    /// Events left out by the lifecycle filter.
    pub filtered_lifecycle: usize,
    /// Deals named in the files whose rows all had problems or no date, so they have no
    /// event and are not in the history.
    pub deals_without_events: usize,
    /// Remarks on the whole import (a touch name that matched nothing, for instance).
    pub notes: Vec<String>,
}

impl Summary {
    /// Every remark on what the import left out, kept apart or assumed, in the words `import`
    /// prints: each file's notes (after the file's name), then the remarks on the whole
    /// import (duplicates, the lifecycle filter, deals left without events, touch names that
    /// matched nothing). The commands that read an export print these, so no row is dropped
    /// without a word.
    pub fn remarks(&self) -> Vec<String> {
        let mut remarks: Vec<String> = self
            .files
            .iter()
            .flat_map(|file| file.notes.iter().map(|n| format!("{}: {n}", file.file)))
            .collect();
        remarks.extend(self.import_remarks());
        remarks
    }

    fn import_remarks(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.duplicates_dropped > 0 {
            let mut line = format!(
                "duplicates: {} repeated event{} kept once",
                self.duplicates_dropped,
                plural(self.duplicates_dropped)
            );
            if self.duplicates_across_files > 0 {
                line.push_str(&format!(
                    " ({} found in more than one file)",
                    self.duplicates_across_files
                ));
            }
            lines.push(line);
        }
        if self.duplicates_kept > 0 {
            lines.push(format!(
                "duplicates: {} repeated event{} kept, as in the event log (--duplicates once drops them)",
                self.duplicates_kept,
                plural(self.duplicates_kept)
            ));
        }
        if self.filtered_lifecycle > 0 {
            lines.push(format!(
                "lifecycle filter: {} event{} left out",
                self.filtered_lifecycle,
                plural(self.filtered_lifecycle)
            ));
        }
        if self.deals_without_events > 0 {
            let one = self.deals_without_events == 1;
            lines.push(format!(
                "{} deal{} no event left (rows with problems or without dates) and {} not in the history",
                self.deals_without_events,
                if one { " has" } else { "s have" },
                if one { "is" } else { "are" }
            ));
        }
        lines.extend(self.notes.iter().cloned());
        lines
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            write!(
                f,
                "{}: {}, {} {}{} → {} event{}",
                file.file,
                file.format,
                file.rows,
                if file.format == "XES" { "event" } else { "row" },
                plural(file.rows as usize),
                file.events,
                plural(file.events)
            )?;
            if file.rows_with_problems > 0 {
                write!(
                    f,
                    ", {} row{} with problems",
                    file.rows_with_problems,
                    plural(file.rows_with_problems)
                )?;
            }
            writeln!(f)?;
            for note in &file.notes {
                writeln!(f, "  note: {note}")?;
            }
        }
        writeln!(
            f,
            "history: {} deal{}, {} event{} ({} stage entr{}, {} touch{})",
            self.deals,
            plural(self.deals),
            self.events,
            plural(self.events),
            self.stage_entries,
            if self.stage_entries == 1 { "y" } else { "ies" },
            self.touches,
            if self.touches == 1 { "" } else { "es" }
        )?;
        if let (Some(first), Some(last)) = (self.first, self.last) {
            writeln!(
                f,
                "dates: {} to {}",
                format_timestamp(first),
                format_timestamp(last)
            )?;
        }
        write_counts(f, "stages found", &self.stages)?;
        write_counts(f, "touch types", &self.touch_types)?;
        if self.mapped {
            if self.unknown_stages.is_empty() {
                writeln!(f, "every stage is on the map")?;
            } else {
                writeln!(
                    f,
                    "stages unknown to the map ({}):",
                    self.unknown_stages.len()
                )?;
                let width = self
                    .unknown_stages
                    .iter()
                    .map(|u| display_width(&u.name))
                    .max()
                    .unwrap_or(0);
                for u in &self.unknown_stages {
                    write!(
                        f,
                        "  {}{} {:>6} event{}",
                        u.name,
                        pad(&u.name, width),
                        u.events,
                        plural(u.events)
                    )?;
                    match &u.suggestion {
                        Some(id) => writeln!(f, "  (an alias of `{id}`?)")?,
                        None => writeln!(f)?,
                    }
                }
            }
        }
        for line in self.import_remarks() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

fn write_counts(f: &mut fmt::Formatter<'_>, title: &str, counts: &[StageCount]) -> fmt::Result {
    if counts.is_empty() {
        return Ok(());
    }
    writeln!(f, "{title} ({}):", counts.len())?;
    let width = counts
        .iter()
        .map(|c| display_width(&c.name))
        .max()
        .unwrap_or(0);
    for c in counts {
        writeln!(
            f,
            "  {}{} {:>6} event{} {:>6} deal{}",
            c.name,
            pad(&c.name, width),
            c.events,
            if c.events == 1 { " " } else { "s" },
            c.deals,
            plural(c.deals)
        )?;
    }
    Ok(())
}

/// Terminal columns: East Asian wide characters (Hangul, CJK) take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(display_width(text)))
}

/// The plural ending of a count: `1 deal`, `2 deals`.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
