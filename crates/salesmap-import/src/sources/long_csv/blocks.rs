//! Reading a long CSV on several threads: the file is read in blocks of whole lines, each
//! block is cut into one part per thread at line breaks, and the parts are read at the same
//! time, each into its own small dictionaries, its events and its problems. The parts are
//! then merged in file order, so the history, the problems and every code are exactly what
//! reading row by row gives: a part's new deal ids and stage names are interned in the order
//! the part first saw them, which is the order the whole file shows them in.
//!
//! Blocks are pipelined: the calling thread reads the next block and merges the previous
//! one while the parts of the current block are read.
//!
//! Only what a part can read without knowing the rest of the file is read this way: plain
//! lines (a block with a double quote or a lone carriage return, where a line break may not
//! end a record, is not split) and timestamps whose reading does not depend on the file's
//! day/month order or a `--date-format` pattern. (Touch names are applied to every source when
//! the import finishes, so they do not stop a block.) At the first block that does not
//! qualify, the rest of the file (that block included) goes back to the row-by-row reader.

use std::io::Read;
use std::sync::Arc;
use std::thread::ScopedJoinHandle;

use salesmap_core::history::{EventKind, Interner};

use super::columns::{Columns, parse_kind};
use crate::collect::{Collector, ENCODING_HELP, Events, Target};
use crate::problem::ProblemKind;
use crate::stream::read_up_to;
use crate::table::{Records, Table};
use crate::timestamp::{TIME_HELP, TimeParser, shorten};

/// Reads the rest of `table` in blocks of about `block` bytes on `threads` threads. Returns
/// `true` when the whole file was read; `false` when a block did not qualify, in which case
/// `table` is left to read the rest row by row.
///
/// The blocks are pipelined: while the parts of one block are read, the calling thread reads
/// the next block from the file and merges the previous one.
pub(crate) fn read(
    table: &mut Table,
    collector: &mut Collector,
    times: &mut TimeParser,
    columns: Columns<'_>,
    (block_size, threads): (usize, usize),
) -> bool {
    // Values without an offset, counted by the parts and handed to `times` at the end.
    let mut zoneless = 0;
    let done = read_blocks(
        table,
        collector,
        times,
        columns,
        (block_size, threads),
        &mut zoneless,
    );
    times.add_zoneless(zoneless);
    done
}

fn read_blocks(
    table: &mut Table,
    collector: &mut Collector,
    times: &TimeParser,
    columns: Columns<'_>,
    (block_size, threads): (usize, usize),
    zoneless: &mut u64,
) -> bool {
    let records = table.take_records();
    let delimiter = records.delimiter();
    let (mut pending, mut source, mut eof, mut line) = records.into_unread();
    let headers = table.headers.len();
    std::thread::scope(|scope| {
        let mut in_flight: Option<(Arc<Vec<u8>>, Vec<Reading<'_>>)> = None;
        let mut spare: Option<Vec<u8>> = None;
        // Event columns of merged parts, for the parts of later blocks.
        let mut spare_columns: Vec<EventColumns> = Vec::new();
        let mut first = true;
        loop {
            fill(&mut pending, &mut *source, &mut eof, block_size);
            let end = if eof {
                pending.len()
            } else {
                memchr::memrchr(b'\n', &pending).map_or(0, |at| at + 1)
            };
            // The block moves to the readers; the partial line after it starts the next one,
            // in the buffer of a block already merged when there is one.
            let mut next = spare.take().unwrap_or_default();
            next.clear();
            next.extend_from_slice(&pending[end..]);
            pending.truncate(end);
            let block = Arc::new(std::mem::replace(&mut pending, next));
            let current = (!block.is_empty()).then(|| {
                let format = (delimiter, headers);
                spawn_parts(
                    scope,
                    &block,
                    format,
                    times,
                    columns,
                    threads,
                    &mut spare_columns,
                )
            });
            if let Some((previous, handles)) = in_flight.take() {
                let parts: Option<Vec<Part>> = handles
                    .into_iter()
                    .map(|h| h.join().expect("a reading thread panicked"))
                    .collect();
                match parts {
                    Some(parts) => {
                        if first && let Some(bytes) = collector.file_bytes {
                            // The first block tells the bytes per event and per deal: room for
                            // the file.
                            let scale = bytes as f64 / previous.len() as f64;
                            let events: usize = parts.iter().map(|p| p.events.deal.len()).sum();
                            let deals: usize = parts.iter().map(|p| p.deals.len()).sum();
                            let estimate = |n: usize| (n as f64 * scale * 1.02) as usize + 1024;
                            collector.reserve(estimate(events), estimate(deals));
                            first = false;
                        }
                        for part in parts {
                            *zoneless += part.zoneless;
                            let buffers;
                            (line, buffers) = merge(part, line, columns.targets, table, collector);
                            spare_columns.push(buffers);
                        }
                        spare = Arc::try_unwrap(previous).ok();
                    }
                    None => {
                        for h in current.into_iter().flatten() {
                            let _ = h.join();
                        }
                        let mut unread = Arc::unwrap_or_clone(previous);
                        unread.extend_from_slice(&block);
                        unread.extend_from_slice(&pending);
                        let source = std::mem::replace(&mut source, Box::new(std::io::empty()));
                        table.put_records(Records::resume(unread, source, eof, line, delimiter));
                        return false;
                    }
                }
            }
            match current {
                Some(handles) => in_flight = Some((block, handles)),
                None => {
                    let mut unread = Arc::unwrap_or_clone(block);
                    let done = unread.is_empty() && pending.is_empty() && eof;
                    unread.extend_from_slice(&pending);
                    let source = std::mem::replace(&mut source, Box::new(std::io::empty()));
                    table.put_records(Records::resume(unread, source, eof, line, delimiter));
                    return done;
                }
            }
        }
    })
}

/// Reads into `pending` until it holds `block_size` bytes and a line break, or the input
/// ends. A read error stops filling: the row-by-row reader meets it again and reports it
/// where it is.
fn fill(pending: &mut Vec<u8>, source: &mut dyn Read, eof: &mut bool, block_size: usize) {
    while (pending.len() < block_size || memchr::memchr(b'\n', pending).is_none()) && !*eof {
        // Large reads straight into the block: the reader in front passes them through.
        let want = block_size.max(1);
        match read_up_to(source, pending, want) {
            Ok(n) => *eof = n < want,
            Err(_) => return,
        }
    }
}

/// A part being read on its own thread.
type Reading<'scope> = ScopedJoinHandle<'scope, Option<Part>>;

/// A problem found in a part: (kind, line within the part, column index, reason, help).
type PartProblem = (
    ProblemKind,
    u64,
    Option<usize>,
    String,
    Option<&'static str>,
);

/// A part's event columns. Their buffers go back to the reading loop after each merge and
/// are handed to a later part: fresh memory costs a page fault per 4 KB, which on a virtual
/// machine is a good share of reading a file.
#[derive(Default)]
struct EventColumns {
    deal: Vec<u32>,
    activity: Vec<u32>,
    time: Vec<i64>,
    kind: Vec<EventKind>,
    line: Vec<u32>,
}

impl EventColumns {
    /// Empty columns with room for `events`, reusing the buffers of `spare`.
    fn reuse(mut spare: EventColumns, events: usize) -> EventColumns {
        spare.deal.clear();
        spare.activity.clear();
        spare.time.clear();
        spare.kind.clear();
        spare.line.clear();
        spare.deal.reserve(events);
        spare.activity.reserve(events);
        spare.time.reserve(events);
        spare.kind.reserve(events);
        spare.line.reserve(events);
        spare
    }
}

/// One part's reading: events with part-local codes and lines counted from the part's start.
struct Part {
    deals: Interner,
    activities: Interner,
    events: EventColumns,
    problems: Vec<PartProblem>,
    /// Per attribute target: the part's dictionary of its values.
    values: Vec<Interner>,
    /// (event index in the part, target, value code) for event attributes.
    event_values: Vec<(u32, u16, u32)>,
    /// (part deal code, target, value code) for deal attributes, in row order (the last
    /// value wins); a value repeated on the deal's next row is not listed again.
    deal_values: Vec<(u32, u16, u32)>,
    rows: u64,
    empty_rows: u64,
    /// Line breaks in the part.
    lines: u64,
    /// Timestamps read without an offset.
    zoneless: u64,
}

/// Cuts `block` at line breaks into `threads` parts and starts reading them; each part
/// comes back `None` when it has a quote or a lone `\r`, or meets a value it cannot read
/// alone.
fn spawn_parts<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    block: &Arc<Vec<u8>>,
    (delimiter, headers): (u8, usize),
    times: &'scope TimeParser,
    columns: Columns<'scope>,
    threads: usize,
    spare: &mut Vec<EventColumns>,
) -> Vec<Reading<'scope>> {
    let mut cuts = vec![0];
    for i in 1..threads {
        let at = (block.len() * i / threads).max(*cuts.last().expect("starts with 0"));
        let cut = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |n| at + n + 1);
        cuts.push(cut);
    }
    cuts.push(block.len());
    cuts.windows(2)
        .map(|w| {
            let (block, range) = (Arc::clone(block), w[0]..w[1]);
            let buffers = spare.pop().unwrap_or_default();
            scope.spawn(move || {
                read_part(&block[range], delimiter, headers, times, columns, buffers)
            })
        })
        .collect()
}

/// Appends the fields of one line (no quotes in it) split at `delimiter`. The delimiters are
/// found 32 bytes at a time as a bit mask (a loop the compiler turns into vector compares),
/// then visited bit by bit: a line of ten short fields costs a handful of steps, not one
/// branch per byte.
fn split_fields<'a>(line: &'a [u8], delimiter: u8, fields: &mut Vec<&'a [u8]>) {
    const WIDTH: usize = 32;
    let mut start = 0;
    let mut chunks = line.chunks_exact(WIDTH);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut mask = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            mask |= u32::from(b == delimiter) << i;
        }
        while mask != 0 {
            let at = base + mask.trailing_zeros() as usize;
            fields.push(&line[start..at]);
            start = at + 1;
            mask &= mask - 1;
        }
        base += WIDTH;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == delimiter {
            fields.push(&line[start..base + i]);
            start = base + i + 1;
        }
    }
    fields.push(&line[start..]);
}

/// A column's last value and its code, compared before the column's dictionary is asked.
#[derive(Clone, Copy, Default)]
struct LastCode<'a> {
    last: Option<(&'a [u8], u32)>,
}

impl<'a> LastCode<'a> {
    /// The code of `text` in `dictionary` (see [`Interner::intern_utf8`]).
    fn code(
        &mut self,
        text: &'a [u8],
        dictionary: &mut Interner,
    ) -> Result<u32, std::str::Utf8Error> {
        match self.last {
            Some((last, code)) if last == text => Ok(code),
            _ => {
                let code = dictionary.intern_utf8(text)?;
                self.last = Some((text, code));
                Ok(code)
            }
        }
    }
}

/// Reads one part as the row-by-row reader would (see `long_csv::read` and `Table::next`).
fn read_part(
    bytes: &[u8],
    delimiter: u8,
    headers: usize,
    times: &TimeParser,
    columns: Columns<'_>,
    spare: EventColumns,
) -> Option<Part> {
    // A line break may not end a record where there is a quote or a lone `\r`.
    let plain = memchr::memchr(b'"', bytes).is_none()
        && memchr::memchr_iter(b'\r', bytes).all(|at| bytes.get(at + 1) == Some(&b'\n'));
    if !plain {
        return None;
    }
    let mut part = Part {
        deals: Interner::default(),
        activities: Interner::default(),
        events: EventColumns::reuse(spare, bytes.len() / 32),
        problems: Vec::new(),
        values: vec![Interner::default(); columns.targets.len()],
        event_values: Vec::new(),
        deal_values: Vec::new(),
        rows: 0,
        empty_rows: 0,
        lines: 0,
        zoneless: 0,
    };
    let mut fields: Vec<&[u8]> = Vec::with_capacity(headers + 1);
    // Values repeat from row to row (a deal's id on each of its rows, a status repeated, a
    // deal's amount and segment, a handful of owners): each column's last value is compared
    // before any dictionary lookup.
    let mut last_deal = LastCode::default();
    let mut last_activity = LastCode::default();
    let mut last_text = vec![LastCode::default(); columns.targets.len()];
    // Per deal attribute: the value given on the deal's previous row.
    let mut last_deal_values = vec![u32::MAX; columns.targets.len()];
    let mut pos = 0;
    while pos < bytes.len() {
        // The line's end, then its fields in one plain loop (fields are short: a loop beats
        // searching for each separator).
        let newline_at = memchr::memchr(b'\n', &bytes[pos..]);
        let end = newline_at.map_or(bytes.len(), |n| pos + n);
        let newline = newline_at.is_some();
        let mut line_end = end;
        if line_end > pos && bytes[line_end - 1] == b'\r' {
            line_end -= 1;
        }
        let text = &bytes[pos..line_end];
        let line = part.lines;
        part.lines += u64::from(newline);
        pos = end + 1;
        if text.is_empty() {
            continue;
        }
        fields.clear();
        split_fields(text, delimiter, &mut fields);
        // Fields are trimmed as they are read: only the columns used are looked at.
        let field = |i: usize| fields.get(i).map_or(&[][..], |f| f.trim_ascii());
        let (deal_text, stage_text, time_text) = (
            field(columns.deal),
            field(columns.stage),
            field(columns.time),
        );
        let missing = deal_text.is_empty() || stage_text.is_empty() || time_text.is_empty();
        if missing && fields.iter().all(|f| f.trim_ascii().is_empty()) {
            part.empty_rows += 1;
            continue;
        }
        part.rows += 1;
        if fields.len() > headers && fields[headers..].iter().any(|f| !f.trim_ascii().is_empty()) {
            part.problems.push((
                ProblemKind::BadValue,
                line,
                None,
                format!(
                    "the row has {} values but the header has {headers} columns; the extra values are ignored",
                    fields.len()
                ),
                Some("a value that contains the delimiter must be in double quotes"),
            ));
        }
        if missing {
            let (column, what) = if deal_text.is_empty() {
                (columns.deal, "deal id")
            } else if stage_text.is_empty() {
                (columns.stage, "stage")
            } else {
                (columns.time, "timestamp")
            };
            part.problems.push((
                ProblemKind::MissingValue,
                line,
                Some(column),
                format!("no {what}; the row is skipped"),
                None,
            ));
            continue;
        }
        let kind = match columns.kind {
            None => None,
            Some(k) => match parse_kind(field(k)) {
                Some(kind) => kind,
                None => {
                    let value = shorten(field(k));
                    part.problems.push((
                        ProblemKind::BadValue,
                        line,
                        Some(k),
                        format!("`{value}` is not an event kind; the row is skipped"),
                        Some(
                            "write `stage` for a stage entry or `touch` for a call, email or meeting",
                        ),
                    ));
                    continue;
                }
            },
        };
        let encoding = |column: usize| {
            (
                ProblemKind::Encoding,
                line,
                Some(column),
                "the value is not UTF-8 text; the row is skipped".to_string(),
                Some(ENCODING_HELP),
            )
        };
        // Rows of one deal come together: the previous row's codes are checked first.
        let Ok(deal) = last_deal.code(deal_text, &mut part.deals) else {
            part.problems.push(encoding(columns.deal));
            continue;
        };
        let Ok(activity) = last_activity.code(stage_text, &mut part.activities) else {
            part.problems.push(encoding(columns.stage));
            continue;
        };
        let micros = match times.parse_alone(time_text)? {
            Ok((micros, zoneless)) => {
                part.zoneless += u64::from(zoneless);
                micros
            }
            Err(reason) => {
                part.problems.push((
                    ProblemKind::BadTimestamp,
                    line,
                    Some(columns.time),
                    format!("{reason}; the row is skipped"),
                    Some(TIME_HELP),
                ));
                continue;
            }
        };
        let events = &mut part.events;
        let event = events.deal.len() as u32;
        let same_deal = events.deal.last() == Some(&deal);
        events.deal.push(deal);
        events.activity.push(activity);
        events.time.push(micros);
        events.kind.push(kind.unwrap_or(EventKind::StageEntry));
        events.line.push(line.min(u32::MAX as u64) as u32);
        if !same_deal {
            last_deal_values.iter_mut().for_each(|v| *v = u32::MAX);
        }
        for (t, &(column, target)) in columns.targets.iter().enumerate() {
            let value = field(column);
            if value.is_empty() {
                continue;
            }
            let Ok(code) = last_text[t].code(value, &mut part.values[t]) else {
                part.problems.push((
                    ProblemKind::Encoding,
                    line,
                    Some(column),
                    "the value is not UTF-8 text; it is left out (the event is kept)".into(),
                    Some(ENCODING_HELP),
                ));
                continue;
            };
            match target {
                Target::Event(_) => part.event_values.push((event, t as u16, code)),
                Target::Deal(_) if last_deal_values[t] != code => {
                    last_deal_values[t] = code;
                    part.deal_values.push((deal, t as u16, code));
                }
                Target::Deal(_) => {}
            }
        }
    }
    Some(part)
}

/// Adds a part to the collector with lines counted from `first_line`; returns the line after
/// the part and the part's event columns, to be reused.
fn merge(
    part: Part,
    first_line: u64,
    targets: &[(usize, Target)],
    table: &mut Table,
    collector: &mut Collector,
) -> (u64, EventColumns) {
    let (deal_code, activity_code) = collector.absorb(part.deals, part.activities);
    for (kind, line, column, reason, help) in part.problems {
        let header = column.map(|c| table.header(c).to_string());
        collector.problem(
            kind,
            Some(first_line + line),
            header.as_deref(),
            reason,
            help,
        );
    }
    let events = Events {
        deal: &part.events.deal,
        activity: &part.events.activity,
        time: &part.events.time,
        kind: &part.events.kind,
        line: &part.events.line,
        deal_code: &deal_code,
        activity_code: &activity_code,
    };
    let first_event = collector.len();
    collector.extend(events, first_line);
    let codes: Vec<Vec<u32>> = targets
        .iter()
        .zip(&part.values)
        .map(|(&(_, target), names)| collector.attr_codes(target, names))
        .collect();
    for &(event, t, code) in &part.event_values {
        let target = targets[t as usize].1;
        let row = first_event + event as usize;
        collector.set_attr_code(target, row, codes[t as usize][code as usize]);
    }
    for &(deal, t, code) in &part.deal_values {
        let target = targets[t as usize].1;
        let deal = deal_code[deal as usize] as usize;
        collector.set_attr_code(target, deal, codes[t as usize][code as usize]);
    }
    table.count_rows(part.rows, part.empty_rows);
    (first_line + part.lines, part.events)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::collect::Collector;
    use crate::{Attributes, ImportOptions, Imported};

    /// Imports `text` (a file named `name`) row by row and in blocks of every small size on
    /// one to three threads, and asserts the results are identical; returns the row-by-row
    /// one.
    fn same_either_way(name: &str, text: &[u8]) -> Imported {
        same_either_way_with(name, text, Attributes::None)
    }

    fn same_either_way_with(name: &str, text: &[u8], attributes: Attributes) -> Imported {
        let dir = std::env::temp_dir().join(format!("salesmap-blocks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let import = |blocks: Option<(usize, usize)>| {
            let options = ImportOptions {
                attributes: attributes.clone(),
                ..ImportOptions::default()
            };
            let mut collector = Collector::new(&options).unwrap();
            collector.blocks = blocks;
            crate::input::read_file(Path::new(&path), &options, &mut collector).unwrap();
            collector.finish().unwrap()
        };
        let rows = import(None);
        for block in [1, 7, 40, 1 << 20] {
            for threads in 1..=3 {
                let blocks = import(Some((block, threads)));
                let at = format!("{name}: blocks of {block} bytes on {threads} threads");
                assert_eq!(blocks.history, rows.history, "{at}");
                assert_eq!(blocks.problems, rows.problems, "{at}");
                assert_eq!(blocks.summary, rows.summary, "{at}");
            }
        }
        std::fs::remove_file(&path).unwrap();
        rows
    }

    #[test]
    fn fields_split_alike_on_both_sides_of_every_chunk_boundary() {
        // Lines of every length up to three chunks, with delimiters at varied places
        // (including first, last and side by side), split as `<[u8]>::split` does.
        for len in 0..100usize {
            for step in 1..7usize {
                let line: Vec<u8> = (0..len)
                    .map(|i| {
                        if (i * 5 + step) % (step + 2) == 0 {
                            b';'
                        } else {
                            b'a' + (i % 26) as u8
                        }
                    })
                    .collect();
                let mut fields = Vec::new();
                super::split_fields(&line, b';', &mut fields);
                let expected: Vec<&[u8]> = line.split(|&b| b == b';').collect();
                assert_eq!(fields, expected, "length {len}, step {step}");
            }
        }
    }

    #[test]
    fn blocks_read_what_rows_read_problems_included() {
        let text = b"case_id,activity,timestamp,kind\r\n\
            b,lead,2024-01-02T10:00:00Z,stage\r\n\
            a,lead,2024-01-01T09:00:00+09:00,\r\n\
            \r\n\
            ,,,\r\n\
            a,demo,2024-01-03 12:00,touch\r\n\
            a,,2024-01-04,stage\r\n\
            b,won,not a date,stage\r\n\
            c,lead,2024-02-30T00:00:00Z,stage\r\n\
            c,lead,1704067200,stage,extra\r\n\
            c,lead,1704067200,stage\r\n\
            b,won,2024-01-05T00:00:00Z,maybe\r\n\
            d\xff,lead,2024-01-05T00:00:00Z,stage\r\n\
            b,won,2024-01-06T00:00:00.5Z,stage";
        let imported = same_either_way("mixed.csv", text);
        assert_eq!(imported.history.len(), 5);
        assert_eq!(imported.problems.len(), 7, "{:?}", imported.problems);
    }

    #[test]
    fn blocks_read_attributes_as_rows_do() {
        // Deal attributes (`case:` and a CRM field) repeated, changed, left empty and
        // interleaved between deals; event attributes; a value that is not UTF-8.
        let text = b"case_id,activity,timestamp,case:source,amount,channel\n\
            a,lead,2024-01-01T00:00:00Z,web,100,kim\n\
            a,demo,2024-01-02T00:00:00Z,web,,lee\n\
            b,lead,2024-01-01T00:00:00Z,referral,50,\n\
            a,won,2024-01-03T00:00:00Z,event,120,kim\n\
            b,lost,2024-01-04T00:00:00Z,,50,p\xffrk\n\
            c,lead,bad,web,1,x\n\
            c,lead,2024-01-05T00:00:00Z,web,1,x\n";
        let imported = same_either_way_with("attributes.csv", text, Attributes::All);
        let h = &imported.history;
        let source = h.deal_attr("source").unwrap();
        let amount = h.deal_attr("amount").unwrap();
        let owner = h.event_attr("channel").unwrap();
        assert_eq!((source.get(0), amount.get(0)), (Some("event"), Some("120")));
        assert_eq!(
            (source.get(1), amount.get(1)),
            (Some("referral"), Some("50"))
        );
        assert_eq!(owner.codes.len(), 6);
        assert_eq!((owner.get(1), owner.get(4)), (Some("lee"), None));
        assert_eq!(imported.problems.len(), 2, "{:?}", imported.problems);
    }

    #[test]
    fn quotes_and_day_month_dates_go_back_to_rows() {
        // A quoted line break in the second block, and a day/month date settled late.
        let mut text = String::from("case_id,activity,timestamp\n");
        for i in 0..30 {
            text += &format!("d{i},lead,2024-01-{:02}T00:00:00Z\n", i % 28 + 1);
        }
        text += "d1,\"a\nb\",2024-03-01T00:00:00Z\n";
        text += "d2,demo,04/05/2024\nd2,won,25/05/2024\n";
        let imported = same_either_way("fallback.csv", text.as_bytes());
        assert_eq!(imported.history.len(), 33);
        assert!(imported.history.activities.get("a\nb").is_some());
    }
}
