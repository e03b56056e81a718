//! XES, the process-mining standard (IEEE 1849), in and out: what PM4Py, ProM and Disco read
//! and write.
//!
//! Reading streams the XML (plain or gzip) with quick-xml and follows PM4Py's `iterparse`
//! reader: a trace's `concept:name` is the deal, an event's `concept:name` the stage and its
//! `time:timestamp` the time; every other attribute of an event is an event attribute (the
//! `lifecycle:transition` included: no event is filtered), every other attribute of a trace
//! a deal attribute; log-level attributes, globals, classifiers and nested attribute children
//! are not history. Only one trace's events are held at a time. Events missing a case,
//! activity or timestamp are reported and skipped, as PM4Py drops them; a damaged or cut-off
//! file keeps the complete events read before the damage.
//!
//! Writing produces one trace per deal (deals in order of first sight, events in history
//! order), with deal attributes on the trace, event attributes on the events, and touches
//! marked with `salesmap:kind="touch"`, which reading turns back into touches.

use std::io::{self, BufRead, Read, Write};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use salesmap_core::history::{EventKind, History};
use salesmap_core::text::escape_markup;

use crate::collect::Collector;
use crate::long_csv::TIME_HELP;
use crate::problem::{ImportError, ProblemKind};
use crate::timestamp::{TimeParser, format_timestamp};

const KIND_KEY: &str = "salesmap:kind";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    Log,
    Trace,
    Event,
    /// An attribute or anything else whose children are not history.
    Other,
}

#[derive(Debug, Default)]
struct PendingEvent {
    line: u64,
    activity: Option<String>,
    time: Option<String>,
    touch: bool,
    /// (event column, value)
    attrs: Vec<(usize, String)>,
}

#[derive(Debug, Default)]
struct PendingTrace {
    line: u64,
    case: Option<String>,
    attrs: Vec<(String, String)>,
    events: Vec<PendingEvent>,
}

pub(crate) fn read(
    reader: Box<dyn BufRead>,
    file: &str,
    collector: &mut Collector,
) -> Result<(), ImportError> {
    collector.begin_file(file, "XES", true);
    let mut xml = quick_xml::Reader::from_reader(LineTracking {
        inner: reader,
        lines: 0,
    });
    let mut times = TimeParser::new(collector.date_format.as_ref(), collector.zone.as_ref());
    let mut buf = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut trace = PendingTrace::default();
    let mut event = PendingEvent::default();
    let mut rows: u64 = 0;
    let keep_attrs = collector.keep_attributes();
    let mut damaged = false;
    loop {
        let line = xml.get_mut().lines + 1;
        let (element, empty) = match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(_)) => {
                close(
                    stack.pop(),
                    &mut trace,
                    &mut event,
                    &mut rows,
                    collector,
                    &mut times,
                );
                buf.clear();
                continue;
            }
            Ok(Event::Eof) => break,
            Ok(_) => {
                buf.clear();
                continue;
            }
            Err(e) => {
                let at = xml.get_mut().lines + 1;
                collector.problem(
                    ProblemKind::Damaged,
                    Some(at),
                    None,
                    format!("the XML cannot be read past this point: {e}"),
                    Some("the complete events before this point were kept; export the log again if it was cut off"),
                );
                damaged = true;
                break;
            }
        };
        let top = stack.last().copied();
        let local = element.local_name();
        let frame = match (top, local.as_ref()) {
            (None, "log") => Frame::Log,
            (Some(Frame::Log), "trace") => {
                trace = PendingTrace {
                    line,
                    ..PendingTrace::default()
                };
                Frame::Trace
            }
            (Some(Frame::Trace), "event") | (Some(Frame::Log), "event") => {
                event = PendingEvent {
                    line,
                    ..PendingEvent::default()
                };
                Frame::Event
            }
            (Some(Frame::Trace), _) => {
                if let Some((key, value)) = key_value(&element, line, collector, keep_attrs) {
                    if key == "concept:name" {
                        trace.case = Some(value);
                    } else if keep_attrs {
                        trace.attrs.push((key, value));
                    }
                }
                Frame::Other
            }
            (Some(Frame::Event), _) => {
                if let Some((key, value)) = key_value(&element, line, collector, keep_attrs) {
                    match key.as_str() {
                        "concept:name" => event.activity = Some(value),
                        "time:timestamp" => event.time = Some(value),
                        KIND_KEY => event.touch = value.eq_ignore_ascii_case("touch"),
                        _ if keep_attrs => {
                            let column = collector.event_column(&key);
                            event.attrs.push((column, value));
                        }
                        _ => {}
                    }
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        if frame == Frame::Event && top == Some(Frame::Log) {
            // An event outside any trace has no deal; close() reports it.
            trace.case = None;
        }
        if empty {
            close(
                Some(frame),
                &mut trace,
                &mut event,
                &mut rows,
                collector,
                &mut times,
            );
        } else {
            stack.push(frame);
        }
        buf.clear();
    }
    if stack.contains(&Frame::Trace) {
        // Cut off inside a trace: keep its complete events.
        if !damaged {
            collector.problem(
                ProblemKind::Damaged,
                Some(xml.get_mut().lines + 1),
                None,
                "the file ends inside a trace".into(),
                Some("the complete events before this point were kept; export the log again if it was cut off"),
            );
        }
        emit_trace(std::mem::take(&mut trace), collector, &mut times);
    }
    let patches = times.finish(file)?;
    collector.patch_times(&patches);
    collector.end_file(rows);
    Ok(())
}

fn close(
    frame: Option<Frame>,
    trace: &mut PendingTrace,
    event: &mut PendingEvent,
    rows: &mut u64,
    collector: &mut Collector,
    times: &mut TimeParser,
) {
    match frame {
        Some(Frame::Event) => {
            *rows += 1;
            trace.events.push(std::mem::take(event));
        }
        Some(Frame::Trace) => emit_trace(std::mem::take(trace), collector, times),
        // Events directly under <log> belong to no trace.
        Some(Frame::Log) if !trace.events.is_empty() => {
            emit_trace(std::mem::take(trace), collector, times)
        }
        _ => {}
    }
}

fn emit_trace(trace: PendingTrace, collector: &mut Collector, times: &mut TimeParser) {
    let Some(case) = trace.case.filter(|c| !c.trim().is_empty()) else {
        if !trace.events.is_empty() {
            collector.problem(
                ProblemKind::MissingValue,
                Some(trace.line),
                Some("concept:name"),
                format!(
                    "a trace without a case id (`concept:name`); its {} event(s) are skipped",
                    trace.events.len()
                ),
                Some("give every <trace> a <string key=\"concept:name\" value=\"…\"/>"),
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
                Some("concept:name"),
                format!("an event of case `{case}` has no activity; it is skipped"),
                None,
            );
            continue;
        };
        let Some(time) = event.time.filter(|t| !t.trim().is_empty()) else {
            collector.problem(
                ProblemKind::MissingValue,
                Some(event.line),
                Some("time:timestamp"),
                format!("event `{activity}` of case `{case}` has no timestamp; it is skipped"),
                None,
            );
            continue;
        };
        let slot = collector.len();
        let micros = match times.parse(time.as_bytes(), "time:timestamp", event.line, slot) {
            Ok(micros) => micros,
            Err(reason) => {
                collector.problem(
                    ProblemKind::BadTimestamp,
                    Some(event.line),
                    Some("time:timestamp"),
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

/// The `key` and `value` of an attribute element; problems with them are reported. Without
/// `all`, only the keys a history needs (`concept:name`, `time:timestamp`, the kind) are
/// read: the others are skipped before any text is copied.
fn key_value(
    element: &BytesStart,
    line: u64,
    collector: &mut Collector,
    all: bool,
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
    let needed = |key: &str| all || matches!(key, "concept:name" | "time:timestamp" | KIND_KEY);
    if !key.value.contains('&') && !needed(&key.value) {
        return None;
    }
    let key = text(&key)?;
    if !needed(&key) {
        return None;
    }
    Some((key, text(&value)?))
}

/// Counts lines as the XML reader consumes bytes, for problem locations.
struct LineTracking<R> {
    inner: R,
    lines: u64,
}

impl<R: BufRead> Read for LineTracking<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines += count_newlines(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineTracking<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buffer) = self.inner.fill_buf() {
            self.lines += count_newlines(&buffer[..amount.min(buffer.len())]);
        }
        self.inner.consume(amount);
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
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
