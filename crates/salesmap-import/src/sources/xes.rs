//! XES, the process-mining standard (IEEE 1849), in and out: what PM4Py, ProM and Disco read
//! and write.
//!
//! Reading parses the XML (plain or gzip) with quick-xml in place, 4 MB at a time (an element
//! cut by a chunk's end is read again with the next chunk; nesting is checked across
//! chunks), and follows PM4Py's `iterparse` reader: a trace's `concept:name` is the deal, an
//! event's `concept:name` the stage and its `time:timestamp` the time; every other attribute
//! of an event is an event attribute (the `lifecycle:transition` included: no event is
//! filtered), every other attribute of a trace a deal attribute; log-level attributes,
//! globals, classifiers and nested attribute children are not history. Only one trace's
//! events are held at a time. Events missing a case, activity or timestamp are reported and
//! skipped, as PM4Py drops them (an event outside any trace too: it has no case); a damaged
//! or cut-off file keeps the complete events read before the damage. The column mapping
//! applies with attribute keys for column names: `deal` names trace keys, `stage`,
//! `timestamp` and `kind` event keys (the first present is used), and `[deal_attributes]`
//! keys of the trace or its events to keep as deal attributes.
//!
//! Writing produces one trace per deal (deals in order of first sight, events in history
//! order), with deal attributes on the trace, event attributes on the events, and touches
//! marked with `salesmap:kind="touch"`, which reading turns back into touches.

use std::io::{self, BufRead, Write};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use salesmap_core::history::{EventKind, History};
use salesmap_core::text::escape_markup;

use crate::collect::Collector;
use crate::mapping::MappingOption;
use crate::problem::{ImportError, ProblemKind};
use crate::stream::read_up_to;
use crate::table::NO_MILESTONES;
use crate::timestamp::{TIME_HELP, TimeParser, format_timestamp};

const KIND_KEY: &str = "salesmap:kind";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    Log,
    Trace,
    Event,
    /// An attribute or anything else whose children are not history.
    Other,
}

/// An event being read. Kept small: a trace's events are held until the trace ends.
#[derive(Debug, Default)]
struct PendingEvent {
    line: u64,
    /// The value of the best-ranked stage key seen, and its rank in [`Keys::stage`].
    activity: Option<String>,
    activity_rank: u8,
    time: Option<String>,
    time_rank: u8,
    touch: bool,
    /// (event column, value)
    attrs: Vec<(usize, String)>,
}

#[derive(Debug, Default)]
struct PendingTrace {
    line: u64,
    case: Option<String>,
    case_rank: u8,
    /// Deal attributes (name, value), the trace's and then those the mapping takes from its
    /// events, in reading order (a later value wins).
    attrs: Vec<(String, String)>,
    events: Vec<PendingEvent>,
}

/// Which attribute keys hold the deal (on the trace), the stage, the time and the kind (on the
/// event): PM4Py's `concept:name`, `concept:name` and `time:timestamp`, or the column mapping's
/// names, which for XES are attribute keys (the first present is used). `[deal_attributes]`
/// names keys of the trace or of its events to keep as deal attributes.
#[derive(Debug)]
struct Keys {
    deal: Vec<String>,
    stage: Vec<String>,
    time: Vec<String>,
    kind: String,
    /// (deal attribute name, key)
    deal_attributes: Vec<(String, String)>,
    /// Nothing is mapped: the keys are PM4Py's.
    standard: bool,
}

impl Keys {
    fn new(collector: &Collector) -> Keys {
        let or = |given: &[String], default: &str| {
            if given.is_empty() {
                vec![default.to_string()]
            } else {
                given.to_vec()
            }
        };
        let columns = &collector.columns;
        Keys {
            deal: or(&columns.deal, "concept:name"),
            stage: or(&columns.stage, "concept:name"),
            time: or(&columns.timestamp, "time:timestamp"),
            kind: columns.kind.clone().unwrap_or_else(|| KIND_KEY.to_string()),
            deal_attributes: columns.deal_attributes.clone(),
            standard: columns.deal.is_empty()
                && columns.stage.is_empty()
                && columns.timestamp.is_empty()
                && columns.kind.is_none()
                && columns.deal_attributes.is_empty(),
        }
    }

    fn needed(&self, key: &str) -> bool {
        rank(&self.deal, key).is_some()
            || rank(&self.stage, key).is_some()
            || rank(&self.time, key).is_some()
            || key.eq_ignore_ascii_case(&self.kind)
            || self.deal_attribute(key).is_some()
    }

    /// The `[deal_attributes]` entry naming `key`.
    fn deal_attribute(&self, key: &str) -> Option<usize> {
        if self.deal_attributes.is_empty() {
            return None;
        }
        self.deal_attributes
            .iter()
            .position(|(_, k)| k.eq_ignore_ascii_case(key))
    }
}

/// Where `key` stands among `keys` (the first is preferred), ignoring ASCII case.
fn rank(keys: &[String], key: &str) -> Option<u8> {
    keys.iter()
        .position(|k| k.len() == key.len() && k.eq_ignore_ascii_case(key))
        .map(|r| r.min(u8::MAX as usize) as u8)
}

/// Keeps `value` when its key ranks before the one kept so far.
fn keep_best(slot: &mut Option<String>, kept: &mut u8, rank: u8, value: String) {
    if slot.is_none() || rank < *kept {
        *slot = Some(value);
        *kept = rank;
    }
}

/// Bytes of XML parsed at a time.
pub(crate) const CHUNK: usize = 4 << 20;
/// An element (or comment, or text) still incomplete after this many bytes is damage, not a
/// chunk boundary.
const MAX_CARRY: usize = 16 << 20;

pub(crate) fn read(
    reader: Box<dyn BufRead>,
    file: &str,
    collector: &mut Collector,
) -> Result<(), ImportError> {
    read_in_chunks(reader, file, collector, CHUNK)
}

/// Reads the XML in chunks of about `chunk` bytes, each parsed in place (no copy of any
/// element). The reading state (open elements, the trace and event being read) carries over
/// from chunk to chunk; an element cut by a chunk's end is parsed again from its start with
/// the next chunk.
pub(crate) fn read_in_chunks(
    mut source: Box<dyn BufRead>,
    file: &str,
    collector: &mut Collector,
    chunk: usize,
) -> Result<(), ImportError> {
    let chunk = chunk.max(1);
    collector.begin_file(file, "XES", true);
    collector.mapping_use.file(file, "XES", |option| {
        (option == MappingOption::Milestones).then_some(NO_MILESTONES)
    });
    let mut times = TimeParser::new(collector.date_format.as_ref(), collector.zone.as_ref());
    let mut state = State {
        open: Vec::new(),
        names: Vec::new(),
        trace: PendingTrace::default(),
        event: PendingEvent::default(),
        rows: 0,
        keep_attrs: collector.keep_attributes(),
        keys: Keys::new(collector),
    };
    let mut data: Vec<u8> = Vec::with_capacity(chunk + 1);
    // Lines before `data[0]`.
    let mut lines_before = 0u64;
    let mut eof = false;
    let mut read_error: Option<io::Error> = None;
    let mut damaged = false;
    'chunks: loop {
        fill(&mut data, &mut *source, chunk, &mut eof, &mut read_error);
        let mut xml = quick_xml::Reader::from_reader(&data[..]);
        // Nesting is checked here, across chunks (see `State::close_name`).
        xml.config_mut().check_end_names = false;
        xml.config_mut().allow_unmatched_ends = true;
        let mut counted = (0usize, lines_before);
        let mut lines_at = |at: usize| {
            let (from, lines) = counted;
            let more = count_lines(&data[from..at]);
            counted = (at, lines + more);
            lines + more
        };
        let carry_from = loop {
            let start = xml.buffer_position() as usize;
            let line = lines_at(start) + 1;
            let event = match xml.read_event() {
                Ok(Event::Eof) => break None,
                Ok(event) => event,
                Err(_) if !eof && data.len() - start < MAX_CARRY => break Some(start),
                // The input broke off (a damaged gzip stream, say): that is the cause to
                // report, below, rather than the XML it cut short.
                Err(_) if read_error.is_some() => break 'chunks,
                Err(e) => {
                    let at = lines_at(xml.buffer_position() as usize) + 1;
                    report_damage(collector, at, "the XML", &e.to_string());
                    damaged = true;
                    break 'chunks;
                }
            };
            if let Err(message) = state.handle(event, line, collector, &mut times) {
                report_damage(collector, line, "the XML", &message);
                damaged = true;
                break 'chunks;
            }
        };
        match carry_from {
            Some(start) => {
                lines_before = lines_at(start);
                data.drain(..start);
            }
            None if eof => break,
            None => {
                lines_before = lines_at(data.len());
                data.clear();
            }
        }
    }
    let end_line = lines_before + count_lines(&data) + 1;
    if let Some(e) = read_error
        && !damaged
    {
        report_damage(collector, end_line, "the file", &e.to_string());
        damaged = true;
    }
    if state.open.iter().any(|&(frame, _)| frame == Frame::Trace) {
        // Cut off inside a trace: keep its complete events.
        if !damaged {
            collector.problem(
                ProblemKind::Damaged,
                Some(end_line),
                None,
                "the file ends inside a trace".into(),
                Some(DAMAGE_HELP),
            );
        }
        emit_trace(
            std::mem::take(&mut state.trace),
            &state.keys,
            collector,
            &mut times,
        );
    }
    let patches = times.finish(file)?;
    collector.patch_times(&patches);
    if let Some(note) = times.zone_note() {
        collector.note(note);
    }
    collector.end_file(state.rows);
    Ok(())
}

const DAMAGE_HELP: &str =
    "the complete events before this point were kept; export the log again if it was cut off";

/// Reports that reading stops at `line` because of `why`; `what` is what could not be read
/// ("the XML", or "the file" when the input itself broke off).
fn report_damage(collector: &mut Collector, line: u64, what: &str, why: &str) {
    collector.problem(
        ProblemKind::Damaged,
        Some(line),
        None,
        format!("{what} cannot be read past this point: {why}"),
        Some(DAMAGE_HELP),
    );
}

/// Appends up to `chunk` bytes to `data`. A read error ends the input; it is kept to be
/// reported where the readable part ends.
fn fill(
    data: &mut Vec<u8>,
    source: &mut dyn BufRead,
    chunk: usize,
    eof: &mut bool,
    error: &mut Option<io::Error>,
) {
    match read_up_to(source, data, chunk) {
        Ok(n) => *eof = n < chunk,
        Err(e) => {
            *error = Some(e);
            *eof = true;
        }
    }
}

/// What reading has open: the element frames and names, the trace and event being read.
struct State {
    /// The open elements, innermost last: each one's frame and where its name ends in `names`.
    open: Vec<(Frame, usize)>,
    /// The open elements' names, one after the other.
    names: Vec<u8>,
    trace: PendingTrace,
    event: PendingEvent,
    rows: u64,
    keep_attrs: bool,
    keys: Keys,
}

impl State {
    /// Takes one XML event at `line`; `Err` when an end tag does not close the open element.
    fn handle(
        &mut self,
        event: Event<'_>,
        line: u64,
        collector: &mut Collector,
        times: &mut TimeParser,
    ) -> Result<(), String> {
        let (element, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                let frame = self.close_element(e.name().as_ref().as_bytes())?;
                self.close(frame, collector, times);
                return Ok(());
            }
            _ => return Ok(()),
        };
        let top = self.open.last().map(|&(frame, _)| frame);
        let local = element.local_name();
        let frame = match (top, local.as_ref()) {
            (None, "log") => Frame::Log,
            (Some(Frame::Log), "trace") => {
                if !self.trace.events.is_empty() {
                    // Events met outside any trace: reported, not lost.
                    emit_trace(
                        std::mem::take(&mut self.trace),
                        &self.keys,
                        collector,
                        times,
                    );
                }
                self.trace = PendingTrace {
                    line,
                    ..PendingTrace::default()
                };
                Frame::Trace
            }
            (Some(Frame::Trace), "event") | (Some(Frame::Log), "event") => {
                self.event = PendingEvent {
                    line,
                    ..PendingEvent::default()
                };
                Frame::Event
            }
            (Some(Frame::Trace), _) => {
                let needed = |key: &str| self.keep_attrs || self.keys.needed(key);
                if let Some((key, value)) = key_value(&element, line, collector, needed) {
                    let attribute = self.keys.deal_attribute(&key);
                    if let Some(entry) = attribute {
                        collector.mapping_use.attribute_found(entry);
                    }
                    if let Some(r) = rank(&self.keys.deal, &key) {
                        keep_best(&mut self.trace.case, &mut self.trace.case_rank, r, value);
                    } else if let Some(entry) = attribute {
                        let name = self.keys.deal_attributes[entry].0.clone();
                        self.trace.attrs.push((name, value));
                    } else if self.keep_attrs {
                        self.trace.attrs.push((key, value));
                    }
                }
                Frame::Other
            }
            (Some(Frame::Event), _) => {
                let needed = |key: &str| self.keep_attrs || self.keys.needed(key);
                if let Some((key, value)) = key_value(&element, line, collector, needed) {
                    let keys = &self.keys;
                    if keys.standard {
                        // PM4Py's keys, nothing mapped: the common case, matched directly.
                        let event = &mut self.event;
                        match key.as_str() {
                            "concept:name" => event.activity = Some(value),
                            "time:timestamp" => event.time = Some(value),
                            KIND_KEY => event.touch = value.trim().eq_ignore_ascii_case("touch"),
                            _ if self.keep_attrs => {
                                let column = collector.event_column(&key);
                                event.attrs.push((column, value));
                            }
                            _ => {}
                        }
                    } else {
                        let attribute = keys.deal_attribute(&key);
                        if let Some(entry) = attribute {
                            collector.mapping_use.attribute_found(entry);
                        }
                        let event = &mut self.event;
                        if let Some(r) = rank(&keys.stage, &key) {
                            keep_best(&mut event.activity, &mut event.activity_rank, r, value);
                        } else if let Some(r) = rank(&keys.time, &key) {
                            keep_best(&mut event.time, &mut event.time_rank, r, value);
                        } else if key.eq_ignore_ascii_case(&keys.kind) {
                            self.event.touch = value.trim().eq_ignore_ascii_case("touch");
                        } else if let Some(entry) = attribute {
                            let name = keys.deal_attributes[entry].0.clone();
                            self.trace.attrs.push((name, value));
                        } else if self.keep_attrs {
                            let column = collector.event_column(&key);
                            self.event.attrs.push((column, value));
                        }
                    }
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        if frame == Frame::Event && top == Some(Frame::Log) {
            // An event outside any trace has no deal; it is reported where it starts.
            self.trace.case = None;
            if self.trace.events.is_empty() {
                self.trace.line = line;
            }
        }
        if empty {
            self.close(frame, collector, times);
        } else {
            self.names
                .extend_from_slice(element.name().as_ref().as_bytes());
            self.open.push((frame, self.names.len()));
        }
        Ok(())
    }

    /// Closes the innermost open element, checking that the end tag's `name` is its name;
    /// returns its frame.
    fn close_element(&mut self, name: &[u8]) -> Result<Frame, String> {
        let Some((frame, end)) = self.open.pop() else {
            return Err(format!(
                "`</{}>` closes no open element",
                String::from_utf8_lossy(name)
            ));
        };
        let start = self.open.last().map_or(0, |&(_, end)| end);
        let open = &self.names[start..end];
        if open != name {
            return Err(format!(
                "expected `</{}>`, found `</{}>`",
                String::from_utf8_lossy(open),
                String::from_utf8_lossy(name)
            ));
        }
        self.names.truncate(start);
        Ok(frame)
    }

    fn close(&mut self, frame: Frame, collector: &mut Collector, times: &mut TimeParser) {
        match frame {
            Frame::Event => {
                self.rows += 1;
                self.trace.events.push(std::mem::take(&mut self.event));
            }
            Frame::Trace => emit_trace(
                std::mem::take(&mut self.trace),
                &self.keys,
                collector,
                times,
            ),
            // Events directly under <log> belong to no trace.
            Frame::Log if !self.trace.events.is_empty() => emit_trace(
                std::mem::take(&mut self.trace),
                &self.keys,
                collector,
                times,
            ),
            _ => {}
        }
    }
}

fn emit_trace(trace: PendingTrace, keys: &Keys, collector: &mut Collector, times: &mut TimeParser) {
    let (deal_key, stage_key, time_key) = (&keys.deal[0], &keys.stage[0], &keys.time[0]);
    let Some(case) = trace.case.filter(|c| !c.trim().is_empty()) else {
        if !trace.events.is_empty() {
            collector.problem(
                ProblemKind::MissingValue,
                Some(trace.line),
                Some(deal_key),
                format!(
                    "a trace without a case id (`{deal_key}`); its {} event(s) are skipped",
                    trace.events.len()
                ),
                Some(&format!(
                    "give every <trace> a <string key=\"{deal_key}\" value=\"…\"/>"
                )),
            );
        }
        return;
    };
    let Ok(deal) = collector.deal_code(case.trim().as_bytes()) else {
        return;
    };
    for (key, value) in &trace.attrs {
        let column = collector.deal_column(key);
        let _ = collector.set_deal_attr(column, deal, value.as_bytes());
    }
    for event in trace.events {
        let Some(activity) = event.activity.filter(|a| !a.trim().is_empty()) else {
            collector.problem(
                ProblemKind::MissingValue,
                Some(event.line),
                Some(stage_key),
                format!("an event of case `{case}` has no activity; it is skipped"),
                None,
            );
            continue;
        };
        let Some(time) = event.time.filter(|t| !t.trim().is_empty()) else {
            collector.problem(
                ProblemKind::MissingValue,
                Some(event.line),
                Some(time_key),
                format!("event `{activity}` of case `{case}` has no timestamp; it is skipped"),
                None,
            );
            continue;
        };
        let slot = collector.len();
        let micros = match times.parse(time.as_bytes(), time_key, event.line, slot) {
            Ok(micros) => micros,
            Err(reason) => {
                collector.problem(
                    ProblemKind::BadTimestamp,
                    Some(event.line),
                    Some(time_key),
                    format!("{reason}; the event is skipped"),
                    Some(TIME_HELP),
                );
                continue;
            }
        };
        let Ok(activity) = collector.activity_code(activity.trim().as_bytes()) else {
            continue;
        };
        let kind = if event.touch {
            EventKind::Touch
        } else {
            EventKind::StageEntry
        };
        collector.push(deal, activity, micros, kind, event.line);
        for (column, value) in &event.attrs {
            let _ = collector.set_event_attr(*column, slot, value.as_bytes());
        }
    }
}

/// The `key` and `value` of an attribute element; problems with them are reported. Only keys
/// that are `needed` are read (all of them, or without attributes only the keys a history
/// needs: deal, stage, time, kind): the others are skipped before any text is copied.
fn key_value(
    element: &BytesStart,
    line: u64,
    collector: &mut Collector,
    needed: impl Fn(&str) -> bool,
) -> Option<(String, String)> {
    let mut key = None;
    let mut value = None;
    let mut attributes = element.attributes();
    attributes.with_checks(false);
    for attribute in attributes {
        let attribute = match attribute {
            Ok(a) => a,
            Err(e) => {
                collector.problem(
                    ProblemKind::BadValue,
                    Some(line),
                    None,
                    format!("a malformed XML attribute: {e}; it is ignored"),
                    None,
                );
                return None;
            }
        };
        match attribute.key.as_ref() {
            "key" => key = Some(attribute),
            "value" => value = Some(attribute),
            _ => {}
        }
    }
    let (key, value) = (key?, value?);
    let mut text = |attribute: &quick_xml::events::attributes::Attribute| match attribute
        .normalized_value(XmlVersion::Implicit1_0)
    {
        Ok(text) => Some(text.into_owned()),
        Err(e) => {
            collector.problem(
                ProblemKind::BadValue,
                Some(line),
                None,
                format!("an attribute value cannot be read: {e}; it is ignored"),
                None,
            );
            None
        }
    };
    if !key.value.contains('&') && !needed(&key.value) {
        return None;
    }
    let key = text(&key)?;
    if !needed(&key) {
        return None;
    }
    Some((key, text(&value)?))
}

fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// Writes the history as an XES log.
pub fn write_xes(history: &History, out: impl Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<log xes.version=\"1849-2016\" xes.features=\"nested-attributes\" xmlns=\"http://www.xes-standard.org/\">\n\
  <extension name=\"Concept\" prefix=\"concept\" uri=\"http://www.xes-standard.org/concept.xesext\"/>\n\
  <extension name=\"Time\" prefix=\"time\" uri=\"http://www.xes-standard.org/time.xesext\"/>\n\
  <extension name=\"Lifecycle\" prefix=\"lifecycle\" uri=\"http://www.xes-standard.org/lifecycle.xesext\"/>\n\
  <extension name=\"Organizational\" prefix=\"org\" uri=\"http://www.xes-standard.org/org.xesext\"/>\n\
  <classifier name=\"Activity\" keys=\"concept:name\"/>\n",
    )?;
    // Rows grouped by deal, deals in order of first sight, rows in history order.
    let mut start = vec![0usize; history.deals.len() + 1];
    for &d in &history.deal {
        start[d as usize + 1] += 1;
    }
    for d in 0..history.deals.len() {
        start[d + 1] += start[d];
    }
    let mut next = start.clone();
    let mut rows = vec![0usize; history.len()];
    for (row, &d) in history.deal.iter().enumerate() {
        rows[next[d as usize]] = row;
        next[d as usize] += 1;
    }
    for d in 0..history.deals.len() {
        let deal_rows = &rows[start[d]..start[d + 1]];
        if deal_rows.is_empty() {
            continue;
        }
        writeln!(out, "  <trace>")?;
        write_string(
            &mut out,
            "    ",
            "concept:name",
            history.deals.name(d as u32),
        )?;
        for column in &history.deal_attrs {
            if let Some(value) = column.get(d) {
                write_string(&mut out, "    ", &column.name, value)?;
            }
        }
        for &row in deal_rows {
            writeln!(out, "    <event>")?;
            write_string(
                &mut out,
                "      ",
                "concept:name",
                history.activities.name(history.activity[row]),
            )?;
            let time = format_timestamp(history.time[row]).replace('Z', "+00:00");
            writeln!(out, "      <date key=\"time:timestamp\" value=\"{time}\"/>")?;
            if history.kind[row] == EventKind::Touch {
                write_string(&mut out, "      ", KIND_KEY, "touch")?;
            }
            for column in &history.event_attrs {
                if let Some(value) = column.get(row) {
                    write_string(&mut out, "      ", &column.name, value)?;
                }
            }
            writeln!(out, "    </event>")?;
        }
        writeln!(out, "  </trace>")?;
    }
    writeln!(out, "</log>")?;
    out.flush()
}

fn write_string(out: &mut impl Write, indent: &str, key: &str, value: &str) -> io::Result<()> {
    writeln!(
        out,
        "{indent}<string key=\"{}\" value=\"{}\"/>",
        escape_markup(key),
        escape_markup(value)
    )
}

#[cfg(test)]
mod tests {
    use crate::collect::Collector;
    use crate::{Attributes, ImportOptions, Imported};

    /// A log with every kind of content a chunk may cut through: a declaration, a comment
    /// holding a tag, CDATA, escaped values, nested attributes, a touch, a trace attribute,
    /// Hangul and an event outside any trace.
    const LOG: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported <trace> by hand -->
<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">
  <string key="concept:name" value="log name, not a deal"/>
  <trace>
    <string key="concept:name" value="D-1"/>
    <string key="segment" value="smb &amp; mid"/>
    <event>
      <string key="concept:name" value="리드"/>
      <date key="time:timestamp" value="2024-01-02T09:00:00.000+09:00"/>
      <string key="org:resource" value="Kim"><string key="nested" value="ignored"/></string>
    </event>
    <event>
      <string key="concept:name" value="call"/>
      <string key="salesmap:kind" value="touch"/>
      <date key="time:timestamp" value="2024-01-03T10:00:00Z"/>
      <string key="note" value="a &lt;b&gt; note"><![CDATA[not a value: <x>]]></string>
    </event>
  </trace>
  <event>
    <string key="concept:name" value="stray"/>
    <date key="time:timestamp" value="2024-01-03T10:00:00Z"/>
  </event>
  <trace>
    <string key="concept:name" value="D-2"/>
    <event>
      <string key="concept:name" value="Demo"/>
      <date key="time:timestamp" value="2024-01-05T10:00:00Z"/>
    </event>
  </trace>
</log>
"#;

    fn read(text: &str, chunk: usize) -> Imported {
        let options = ImportOptions {
            attributes: Attributes::All,
            ..ImportOptions::default()
        };
        let mut collector = Collector::new(&options).unwrap();
        let source = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        super::read_in_chunks(source, "log.xes", &mut collector, chunk).unwrap();
        collector.finish().unwrap()
    }

    fn problems(imported: &Imported) -> String {
        imported
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.row.unwrap_or(0), p.reason))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_chunk_size_reads_what_one_chunk_reads() {
        let whole = read(LOG, super::CHUNK);
        assert_eq!(whole.history.len(), 3);
        assert_eq!(
            whole.history.deal_attr("segment").unwrap().get(0),
            Some("smb & mid")
        );
        assert_eq!(
            whole.history.event_attr("note").unwrap().get(1),
            Some("a <b> note")
        );
        for chunk in 1..80 {
            let parts = read(LOG, chunk);
            assert_eq!(parts.history, whole.history, "chunks of {chunk} bytes");
            assert_eq!(parts.problems, whole.problems, "chunks of {chunk} bytes");
            assert_eq!(parts.summary, whole.summary, "chunks of {chunk} bytes");
        }
        expect_test::expect![[r#"
            20: a trace without a case id (`concept:name`); its 1 event(s) are skipped"#]]
        .assert_eq(&problems(&whole));
    }

    #[test]
    fn a_broken_gzip_stream_is_reported_as_such_and_keeps_the_events_before_it() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, LOG.as_bytes()).unwrap();
        let mut bytes = gz.finish().unwrap();
        bytes.truncate(bytes.len() - 60);
        let options = ImportOptions::default();
        let mut collector = Collector::new(&options).unwrap();
        let source = Box::new(std::io::BufReader::new(flate2::read::GzDecoder::new(
            std::io::Cursor::new(bytes),
        )));
        super::read_in_chunks(source, "log.xes.gz", &mut collector, 64).unwrap();
        let imported = collector.finish().unwrap();
        expect_test::expect![[r#"
            19: the file cannot be read past this point: incomplete deflate stream"#]]
        .assert_eq(&problems(&imported));
        // The complete events before the break are kept.
        assert_eq!(imported.history.len(), 2);
    }

    #[test]
    fn an_end_tag_that_closes_nothing_open_is_damage_at_its_line() {
        let text = LOG.replace(
            "    </event>\n  </trace>\n  <event>",
            "    </trace>\n  </trace>\n  <event>",
        );
        for chunk in [7, super::CHUNK] {
            let imported = read(&text, chunk);
            expect_test::expect![[r#"
                18: the XML cannot be read past this point: expected `</event>`, found `</trace>`"#]]
            .assert_eq(&problems(&imported));
            assert_eq!(imported.history.len(), 1, "chunks of {chunk} bytes");
        }
    }
}
