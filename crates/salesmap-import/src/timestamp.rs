//! Timestamps: from the layouts CRMs and event logs write to UTC microseconds, and back.
//!
//! The common layouts are read by a hand-written scanner (no allocation, no regex): ISO 8601
//! with or without offset or time (`2023-04-05T12:34:56.789+09:00`, `2023-04-05 12:34`,
//! `2023-04-05`), `2023/04/05`, Korean `2023. 4. 5. 오후 2:34`, `05/04/2023 12:34`,
//! `05-04-2023`, `05.04.2023` (day first), 12-hour clocks (`4/5/2023 2:34 PM`), and epoch
//! milliseconds (13 digits) or seconds (10 digits). A timestamp without an offset is in the
//! `--timezone` zone (UTC by default); jiff applies the zone's rules, daylight saving
//! included. `--date-format` takes a strftime pattern for anything else.
//!
//! Day/month order is never guessed. A [`TimeParser`] reads one file: the first value whose
//! day or month is above 12 settles the order for the file; values read before that are kept
//! with both readings and patched at the end. If nothing settles it, the import stops with
//! an error naming the column and a sample value; [`DateFormat`] (`--date-format`) settles it
//! up front.

use jiff::tz::TimeZone;

use crate::problem::ImportError;

/// How to read day/month dates and other layouts the automatic reader cannot settle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// `05/04/2023` is the 5th of April.
    DayFirst,
    /// `05/04/2023` is May 4th.
    MonthFirst,
    /// A strftime-style layout such as `%d.%m.%Y %H:%M` (jiff's `strtime`); values that do
    /// not fit it are still tried as ISO 8601 and epoch milliseconds.
    Pattern(String),
}

impl DateFormat {
    /// Parses the `--date-format` value: `day-first` (or `dmy`), `month-first` (or `mdy`), or
    /// a strftime pattern containing `%`.
    pub fn parse(text: &str) -> Result<DateFormat, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "day-first" | "dmy" | "dd/mm/yyyy" => Ok(DateFormat::DayFirst),
            "month-first" | "mdy" | "mm/dd/yyyy" => Ok(DateFormat::MonthFirst),
            _ if text.contains('%') => Ok(DateFormat::Pattern(text.to_string())),
            _ => Err(format!(
                "unknown date format `{text}`: use day-first, month-first or a pattern such as `%d.%m.%Y %H:%M`"
            )),
        }
    }
}

/// Help for a timestamp that cannot be read.
pub(crate) const TIME_HELP: &str = "write timestamps as ISO 8601 (2023-04-05T12:34:00+09:00), or describe the layout with --date-format";

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// One value as scanned, before the file's day/month order and time zone are applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// An absolute instant (an offset was given, or epoch time).
    Instant(i64),
    /// A calendar date and clock time, with an offset in microseconds if one was written.
    Civil {
        year: i32,
        month: u8,
        day: u8,
        micros_of_day: i64,
        offset: Option<i64>,
    },
    /// `first/second/year` where either could be the day.
    DayMonth {
        first: u8,
        second: u8,
        year: i32,
        micros_of_day: i64,
        offset: Option<i64>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    Unknown,
    DayFirst,
    MonthFirst,
}

/// Reads the timestamps of one file.
#[derive(Clone, Debug)]
pub(crate) struct TimeParser {
    pattern: Option<String>,
    zone: Option<TimeZone>,
    order: Order,
    /// Where the order was settled from the data: (line, sample).
    settled_by: Option<(u64, String)>,
    /// Values read day first while the order was unknown: (slot, month-first reading).
    pending: Vec<(usize, i64)>,
    first_pending: Option<(String, u64, String)>,
    /// Values read without an offset, so placed in `zone` (or UTC).
    zoneless: u64,
}

impl TimeParser {
    pub(crate) fn new(format: Option<&DateFormat>, zone: Option<&TimeZone>) -> TimeParser {
        let (pattern, order) = match format {
            None => (None, Order::Unknown),
            Some(DateFormat::DayFirst) => (None, Order::DayFirst),
            Some(DateFormat::MonthFirst) => (None, Order::MonthFirst),
            Some(DateFormat::Pattern(p)) => (Some(p.clone()), Order::Unknown),
        };
        TimeParser {
            pattern,
            zone: zone.cloned(),
            order,
            settled_by: None,
            pending: Vec::new(),
            first_pending: None,
            zoneless: 0,
        }
    }

    /// Reads `text` (already known non-empty). `slot` identifies the event the value belongs
    /// to, so [`TimeParser::finish`] can patch it if the day/month order turns out
    /// month-first. The error is a reason for a [`crate::Problem`].
    pub(crate) fn parse(
        &mut self,
        text: &[u8],
        column: &str,
        line: u64,
        slot: usize,
    ) -> Result<i64, String> {
        let text = text.trim_ascii();
        if let Some(pattern) = &self.pattern {
            match self.parse_pattern(pattern, text) {
                Ok((micros, zoneless)) => {
                    self.zoneless += u64::from(zoneless);
                    return Ok(micros);
                }
                Err(reason) => {
                    return match scan(text) {
                        Ok(Reading::DayMonth { .. }) | Err(_) => Err(reason),
                        Ok(reading) => self.resolve(reading, column, line, slot, text),
                    };
                }
            }
        }
        let reading = scan(text)
            .map_err(|why| format!("cannot read `{}` as a timestamp: {why}", shorten(text)))?;
        self.resolve(reading, column, line, slot, text)
    }

    /// Reads `text` when that needs nothing but the value itself: `None` for a value whose
    /// reading depends on the file (a day/month order not settled yet, a `--date-format`
    /// pattern), which [`TimeParser::parse`] must read in file order. Otherwise the same
    /// result as [`TimeParser::parse`], and nothing changes in the parser.
    /// The flag says whether the value had no offset (see [`TimeParser::add_zoneless`]).
    pub(crate) fn parse_alone(&self, text: &[u8]) -> Option<Result<(i64, bool), String>> {
        if self.pattern.is_some() {
            return None;
        }
        let text = text.trim_ascii();
        match scan(text) {
            Ok(Reading::Instant(micros)) => Some(Ok((micros, false))),
            Ok(Reading::Civil {
                year,
                month,
                day,
                micros_of_day,
                offset,
            }) => Some(
                self.civil(year, month, day, micros_of_day, offset, text)
                    .map(|micros| (micros, offset.is_none())),
            ),
            Ok(Reading::DayMonth { .. }) => None,
            Err(why) => Some(Err(format!(
                "cannot read `{}` as a timestamp: {why}",
                shorten(text)
            ))),
        }
    }

    fn resolve(
        &mut self,
        reading: Reading,
        column: &str,
        line: u64,
        slot: usize,
        text: &[u8],
    ) -> Result<i64, String> {
        let zoneless = match reading {
            Reading::Instant(_) => false,
            Reading::Civil { offset, .. } | Reading::DayMonth { offset, .. } => offset.is_none(),
        };
        let micros = self.resolve_reading(reading, column, line, slot, text)?;
        self.zoneless += u64::from(zoneless);
        Ok(micros)
    }

    fn resolve_reading(
        &mut self,
        reading: Reading,
        column: &str,
        line: u64,
        slot: usize,
        text: &[u8],
    ) -> Result<i64, String> {
        match reading {
            Reading::Instant(micros) => Ok(micros),
            Reading::Civil {
                year,
                month,
                day,
                micros_of_day,
                offset,
            } => self.civil(year, month, day, micros_of_day, offset, text),
            Reading::DayMonth {
                first,
                second,
                year,
                micros_of_day,
                offset,
            } => {
                let evidence = if first > 12 {
                    Some(Order::DayFirst)
                } else if second > 12 {
                    Some(Order::MonthFirst)
                } else {
                    None
                };
                match (self.order, evidence) {
                    (Order::Unknown, Some(found)) => {
                        self.order = found;
                        self.settled_by = Some((line, String::from_utf8_lossy(text).into()));
                    }
                    (Order::DayFirst, Some(Order::MonthFirst))
                    | (Order::MonthFirst, Some(Order::DayFirst)) => {
                        let settled = match &self.settled_by {
                            Some((at, sample)) => format!(" (`{sample}` on line {at})"),
                            None => " (--date-format)".to_string(),
                        };
                        let was = if self.order == Order::DayFirst {
                            "day first"
                        } else {
                            "month first"
                        };
                        return Err(format!(
                            "`{}` cannot be read {was}, the order the rest of the file uses{settled}",
                            shorten(text)
                        ));
                    }
                    _ => {}
                }
                let (day, month) = match self.order {
                    Order::MonthFirst => (second, first),
                    _ => (first, second),
                };
                let micros = self.civil(year, month, day, micros_of_day, offset, text)?;
                if self.order == Order::Unknown && first != second {
                    let other = self.civil(year, first, second, micros_of_day, offset, text)?;
                    self.pending.push((slot, other));
                    if self.first_pending.is_none() {
                        self.first_pending = Some((
                            column.to_string(),
                            line,
                            String::from_utf8_lossy(text).into(),
                        ));
                    }
                }
                Ok(micros)
            }
        }
    }

    fn civil(
        &self,
        year: i32,
        month: u8,
        day: u8,
        micros_of_day: i64,
        offset: Option<i64>,
        text: &[u8],
    ) -> Result<i64, String> {
        if !(1..=12).contains(&month) {
            return Err(format!(
                "cannot read `{}` as a timestamp: month {month} does not exist",
                shorten(text)
            ));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!(
                "cannot read `{}` as a timestamp: day {day} does not exist in that month",
                shorten(text)
            ));
        }
        let local = days_from_civil(year, month, day) * MICROS_PER_DAY + micros_of_day;
        match (offset, &self.zone) {
            (Some(offset), _) => Ok(local - offset),
            (None, None) => Ok(local),
            (None, Some(zone)) => {
                let micros = micros_of_day % MICROS_PER_SECOND;
                let seconds = micros_of_day / MICROS_PER_SECOND;
                let civil = jiff::civil::DateTime::new(
                    year as i16,
                    month as i8,
                    day as i8,
                    (seconds / 3600) as i8,
                    (seconds / 60 % 60) as i8,
                    (seconds % 60) as i8,
                    (micros * 1000) as i32,
                )
                .map_err(|e| format!("cannot read `{}`: {e}", shorten(text)))?;
                zone.to_timestamp(civil)
                    .map(|t| t.as_microsecond())
                    .map_err(|e| format!("cannot place `{}` in the time zone: {e}", shorten(text)))
            }
        }
    }

    /// The instant, and whether the value had no offset.
    fn parse_pattern(&self, pattern: &str, text: &[u8]) -> Result<(i64, bool), String> {
        let fail = |e: jiff::Error| {
            format!(
                "`{}` does not match --date-format `{pattern}`: {e}",
                shorten(text)
            )
        };
        let tm = jiff::fmt::strtime::parse(pattern, text).map_err(fail)?;
        let instant = if tm.offset().is_some() {
            tm.to_timestamp().map_err(fail)?
        } else {
            let civil = tm.to_datetime().map_err(fail)?;
            match &self.zone {
                Some(zone) => zone.to_timestamp(civil).map_err(fail)?,
                None => TimeZone::UTC.to_timestamp(civil).map_err(fail)?,
            }
        };
        Ok((instant.as_microsecond(), tm.offset().is_none()))
    }

    /// Counts values read without an offset elsewhere (by the parallel reader, through
    /// [`TimeParser::parse_alone`]).
    pub(crate) fn add_zoneless(&mut self, count: u64) {
        self.zoneless += count;
    }

    /// The remark for the summary when values without an offset were placed in a zone: which
    /// zone was assumed, for how many values, and how to say otherwise.
    pub(crate) fn zone_note(&self) -> Option<String> {
        if self.zoneless == 0 {
            return None;
        }
        let count = self.zoneless;
        let values = if count == 1 {
            "1 date or time without a UTC offset was".to_string()
        } else {
            format!("{count} dates and times without a UTC offset were")
        };
        Some(match self.zone.as_ref().and_then(|z| z.iana_name()) {
            Some(name) if name != "UTC" => format!("{values} read in {name} time, the zone given"),
            _ if self.zone.is_some() => format!("{values} read as UTC, the zone given"),
            _ => format!(
                "{values} read as UTC; if the export was written in another zone, give it with --timezone (or `timezone` in the mapping file)"
            ),
        })
    }

    /// Ends the file: returns the (slot, timestamp) corrections to apply when the file turned
    /// out to write month first, or the ambiguity error when nothing settled the order.
    pub(crate) fn finish(&mut self, file: &str) -> Result<Vec<(usize, i64)>, ImportError> {
        let pending = std::mem::take(&mut self.pending);
        let first = self.first_pending.take();
        match self.order {
            Order::DayFirst => Ok(Vec::new()),
            Order::MonthFirst => Ok(pending),
            Order::Unknown => match first {
                None => Ok(Vec::new()),
                Some((column, row, sample)) => Err(ImportError::AmbiguousDates {
                    file: file.to_string(),
                    column,
                    row,
                    sample,
                }),
            },
        }
    }
}

/// Scans one value; the error says what is wrong with it.
fn scan(s: &[u8]) -> Result<Reading, &'static str> {
    match scan_rfc3339(s) {
        Some(reading) => Ok(reading),
        None => scan_any(s),
    }
}

/// Every layout the module reads.
fn scan_any(s: &[u8]) -> Result<Reading, &'static str> {
    if s.is_empty() {
        return Err("it is empty");
    }
    if s.iter().all(u8::is_ascii_digit) {
        let n = s.iter().fold(0i64, |n, &b| {
            n.saturating_mul(10).saturating_add((b - b'0') as i64)
        });
        return match s.len() {
            13 => Ok(Reading::Instant(n * 1000)),
            10 => Ok(Reading::Instant(n * MICROS_PER_SECOND)),
            8 => Ok(Reading::Civil {
                year: (n / 10000) as i32,
                month: (n / 100 % 100) as u8,
                day: (n % 100) as u8,
                micros_of_day: 0,
                offset: None,
            }),
            _ => Err(
                "a plain number is read as epoch milliseconds (13 digits), epoch seconds (10 digits) or YYYYMMDD",
            ),
        };
    }
    let mut c = Cursor { s, i: 0 };
    let (lead, lead_digits) = c.number(4);
    let date;
    if lead_digits == 4 {
        let sep = c
            .separator()
            .ok_or("expected `-`, `/` or `.` after the year")?;
        if sep == b'.' {
            c.spaces();
        }
        let (month, n) = c.number(2);
        if n == 0 {
            return Err("expected a month after the year");
        }
        if !c.eat(sep) {
            return Err("expected the same separator between month and day");
        }
        if sep == b'.' {
            c.spaces();
        }
        let (day, n) = c.number(2);
        if n == 0 {
            return Err("expected a day after the month");
        }
        if sep == b'.' {
            c.eat(b'.');
        }
        date = (lead as i32, month as u8, day as u8, None);
    } else if lead_digits == 1 || lead_digits == 2 {
        let sep = c
            .separator()
            .ok_or("expected `-`, `/` or `.` after the day or month")?;
        let (second, n) = c.number(2);
        if n == 0 {
            return Err("expected a day or month after the first separator");
        }
        if !c.eat(sep) {
            return Err("expected the same separator before the year");
        }
        let (year, n) = c.number(4);
        if n != 4 {
            return Err("the year must have four digits");
        }
        if sep == b'.' {
            date = (year as i32, second as u8, lead as u8, None);
        } else {
            date = (year as i32, 0, 0, Some((lead as u8, second as u8)));
        }
    } else {
        return Err("expected a date such as 2023-04-05");
    }
    let (micros_of_day, offset) = scan_clock(&mut c)?;
    let (year, month, day, day_month) = date;
    if year == 0 {
        return Err("year 0 does not exist");
    }
    Ok(match day_month {
        Some((first, second)) => Reading::DayMonth {
            first,
            second,
            year,
            micros_of_day,
            offset,
        },
        None => Reading::Civil {
            year,
            month,
            day,
            micros_of_day,
            offset,
        },
    })
}

/// The layout event logs and exports write most, read at fixed positions:
/// `YYYY-MM-DD[T| ]hh:mm:ss[.f…][Z|±hh:mm]`. `None` for anything else (including values out
/// of range), which the general scanner then reads or explains; what this reads, it reads
/// exactly as the general scanner would.
fn scan_rfc3339(s: &[u8]) -> Option<Reading> {
    if s.len() < 19
        || s[4] != b'-'
        || s[7] != b'-'
        || !matches!(s[10], b'T' | b't' | b' ')
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    const DIGITS: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    if DIGITS.iter().any(|&i| !s[i].is_ascii_digit()) {
        return None;
    }
    let d = |i: usize| (s[i] - b'0') as i64;
    let two = |i: usize| d(i) * 10 + d(i + 1);
    let year = two(0) * 100 + two(2);
    let (month, day) = (two(5), two(8));
    let (hour, minute, second) = (two(11), two(14), two(17));
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        s[range].iter().try_fold(0i64, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + (b - b'0') as i64)
        })
    };
    if year == 0 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut i = 19;
    let mut micros = 0;
    if i < s.len() && (s[i] == b'.' || s[i] == b',') {
        let start = i + 1;
        let end = start + s[start..].iter().take_while(|b| b.is_ascii_digit()).count();
        let n = end - start;
        if n == 0 || n > 9 {
            return None;
        }
        let value = digits(start..end)?;
        micros = if n <= 6 {
            value * 10i64.pow(6 - n as u32)
        } else {
            value / 10i64.pow(n as u32 - 6)
        };
        i = end;
    }
    let offset = match &s[i..] {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| ((a - b'0') * 10 + (b - b'0')) as i64)
            };
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if *sign == b'+' { 1 } else { -1 };
            Some(sign * (hours * 3600 + minutes * 60) * MICROS_PER_SECOND)
        }
        _ => return None,
    };
    Some(Reading::Civil {
        year: year as i32,
        month: month as u8,
        day: day as u8,
        micros_of_day: ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros,
        offset,
    })
}

const AM_KO: &[u8] = "오전".as_bytes();
const PM_KO: &[u8] = "오후".as_bytes();

/// The part after the date: `[T| ]hh:mm[:ss[.ffffff]][ AM|PM][Z|±hh[:mm]| UTC]`.
fn scan_clock(c: &mut Cursor) -> Result<(i64, Option<i64>), &'static str> {
    let had_space = c.spaces();
    if c.done() {
        return Ok((0, None));
    }
    if !had_space && !c.eat(b'T') && !c.eat(b't') {
        return Err("expected `T` or a space between date and time");
    }
    let mut meridiem = None;
    if c.eat_slice(AM_KO) {
        meridiem = Some(false);
        c.spaces();
    } else if c.eat_slice(PM_KO) {
        meridiem = Some(true);
        c.spaces();
    }
    let (hour, n) = c.number(2);
    if n == 0 {
        return Err("expected an hour");
    }
    if !c.eat(b':') {
        return Err("expected `:` after the hour");
    }
    let (minute, n) = c.number(2);
    if n != 2 {
        return Err("expected two-digit minutes");
    }
    let mut second = 0;
    let mut micros = 0;
    if c.eat(b':') {
        let (s, n) = c.number(2);
        if n != 2 {
            return Err("expected two-digit seconds");
        }
        second = s;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let (digits, n) = c.number(9);
            if n == 0 {
                return Err("expected digits after the decimal point");
            }
            let _ = start;
            micros = match n {
                n if n <= 6 => digits * 10i64.pow(6 - n as u32),
                n => digits / 10i64.pow(n as u32 - 6),
            };
        }
    }
    c.spaces();
    if meridiem.is_none() {
        if c.eat_ascii_ci(b"am") || c.eat_ascii_ci(b"a.m.") {
            meridiem = Some(false);
        } else if c.eat_ascii_ci(b"pm") || c.eat_ascii_ci(b"p.m.") {
            meridiem = Some(true);
        }
        c.spaces();
    }
    let hour = match meridiem {
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => {
            return Err("a 12-hour clock runs from 1 to 12");
        }
        Some(false) => hour % 12,
        Some(true) => hour % 12 + 12,
    };
    if hour > 23 || minute > 59 || second > 59 {
        return Err("the time of day is out of range");
    }
    let offset = scan_offset(c)?;
    if !c.done() {
        return Err("unexpected text after the time");
    }
    Ok((
        ((hour * 60 + minute) * 60 + second) * MICROS_PER_SECOND + micros,
        offset,
    ))
}

fn scan_offset(c: &mut Cursor) -> Result<Option<i64>, &'static str> {
    if c.done() {
        return Ok(None);
    }
    if c.eat(b'Z') || c.eat(b'z') {
        return Ok(Some(0));
    }
    let named = c.eat_ascii_ci(b"utc") || c.eat_ascii_ci(b"gmt");
    if named && c.done() {
        return Ok(Some(0));
    }
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') || c.eat_slice("−".as_bytes()) {
        -1
    } else {
        return Err("unexpected text after the time");
    };
    let (hours, n) = c.number(2);
    if n != 2 {
        return Err("an offset needs two-digit hours, such as +09:00");
    }
    c.eat(b':');
    let (minutes, n) = c.number(2);
    if n != 0 && n != 2 {
        return Err("an offset needs two-digit minutes, such as +09:00");
    }
    if hours > 23 || minutes > 59 {
        return Err("the offset is out of range");
    }
    Ok(Some(
        sign * (hours * 3600 + minutes * 60) * MICROS_PER_SECOND,
    ))
}

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    /// Up to `max` digits; returns the value and how many digits were read.
    fn number(&mut self, max: usize) -> (i64, usize) {
        let mut n = 0i64;
        let mut count = 0;
        while count < max
            && let Some(&b) = self.s.get(self.i)
            && b.is_ascii_digit()
        {
            n = n * 10 + (b - b'0') as i64;
            self.i += 1;
            count += 1;
        }
        (n, count)
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn eat_slice(&mut self, bytes: &[u8]) -> bool {
        if self.s[self.i..].starts_with(bytes) {
            self.i += bytes.len();
            true
        } else {
            false
        }
    }

    fn eat_ascii_ci(&mut self, bytes: &[u8]) -> bool {
        let rest = &self.s[self.i..];
        if rest.len() >= bytes.len() && rest[..bytes.len()].eq_ignore_ascii_case(bytes) {
            self.i += bytes.len();
            true
        } else {
            false
        }
    }

    fn separator(&mut self) -> Option<u8> {
        let b = *self.s.get(self.i)?;
        if matches!(b, b'-' | b'/' | b'.') {
            self.i += 1;
            Some(b)
        } else {
            None
        }
    }

    fn spaces(&mut self) -> bool {
        let start = self.i;
        while self.s.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
        self.i > start
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's algorithm.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = year as i64 - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 in UTC, with microseconds only when they are not zero:
/// `2023-04-05T12:34:00Z`, `2023-04-05T12:34:00.250000Z`.
pub fn format_timestamp(micros: i64) -> String {
    let days = micros.div_euclid(MICROS_PER_DAY);
    let of_day = micros.rem_euclid(MICROS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let seconds = of_day / MICROS_PER_SECOND;
    let fraction = of_day % MICROS_PER_SECOND;
    let mut text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    );
    if fraction != 0 {
        text.push_str(&format!(".{fraction:06}"));
    }
    text.push('Z');
    text
}

/// Shortens a value for an error message, replacing bytes that are not UTF-8.
pub(crate) fn shorten(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.chars().count() > 40 {
        let mut short: String = text.chars().take(40).collect();
        short.push('…');
        short
    } else {
        text.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_with(format: Option<DateFormat>, zone: Option<&str>, values: &[&str]) -> String {
        let zone = zone.map(|z| TimeZone::get(z).unwrap());
        let mut parser = TimeParser::new(format.as_ref(), zone.as_ref());
        let mut out: Vec<String> = values
            .iter()
            .enumerate()
            .map(
                |(slot, v)| match parser.parse(v.as_bytes(), "when", slot as u64 + 2, slot) {
                    Ok(micros) => format_timestamp(micros),
                    Err(e) => format!("error: {e}"),
                },
            )
            .collect();
        match parser.finish("f.csv") {
            Ok(patches) => {
                for (slot, micros) in patches {
                    out[slot] = format!("{} (patched)", format_timestamp(micros));
                }
            }
            Err(e) => out.push(format!("fatal: {e}")),
        }
        values
            .iter()
            .zip(out.iter().chain(std::iter::repeat(&String::new())))
            .map(|(v, o)| format!("{v:<34} {o}\n"))
            .chain(out.get(values.len()).map(|fatal| format!("{fatal}\n")))
            .collect()
    }

    fn check(values: &[&str], expect: expect_test::Expect) {
        expect.assert_eq(&read_with(None, None, values));
    }

    #[test]
    fn the_rfc3339_fast_path_reads_as_the_general_scanner() {
        let mut checked = 0;
        for date in [
            "2023-04-05",
            "1999-12-31",
            "2024-02-30",
            "2023-13-01",
            "0000-01-01",
        ] {
            for sep in ["T", "t", " "] {
                for clock in ["00:00:00", "23:59:59", "12:34:56", "24:00:00", "12:60:00"] {
                    for fraction in ["", ".1", ".123456", ".1234567", ".123456789", ",5", "."] {
                        for offset in ["", "Z", "z", "+09:00", "-02:30", "+24:00", "+0900", " UTC"]
                        {
                            let text = format!("{date}{sep}{clock}{fraction}{offset}");
                            let fast = scan_rfc3339(text.as_bytes());
                            if let Some(reading) = fast {
                                assert_eq!(Ok(reading), scan_any(text.as_bytes()), "{text}");
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn iso_layouts_with_and_without_offsets() {
        check(
            &[
                "2023-04-05T12:34:56.789+09:00",
                "2023-04-05T12:34:56Z",
                "2023-04-05 12:34",
                "2023-04-05",
                "2023-04-05T12:34:56.1234567-0230",
                "2010-12-30 14:32:00+01:00",
                "2011-10-11 13:45:40.276000+02:00",
                "2023/04/05 07:00 UTC",
                "20230405",
                "1680698040123",
                "1680698040",
                "2024-02-29",
            ],
            expect_test::expect![[r#"
                2023-04-05T12:34:56.789+09:00      2023-04-05T03:34:56.789000Z
                2023-04-05T12:34:56Z               2023-04-05T12:34:56Z
                2023-04-05 12:34                   2023-04-05T12:34:00Z
                2023-04-05                         2023-04-05T00:00:00Z
                2023-04-05T12:34:56.1234567-0230   2023-04-05T15:04:56.123456Z
                2010-12-30 14:32:00+01:00          2010-12-30T13:32:00Z
                2011-10-11 13:45:40.276000+02:00   2011-10-11T11:45:40.276000Z
                2023/04/05 07:00 UTC               2023-04-05T07:00:00Z
                20230405                           2023-04-05T00:00:00Z
                1680698040123                      2023-04-05T12:34:00.123000Z
                1680698040                         2023-04-05T12:34:00Z
                2024-02-29                         2024-02-29T00:00:00Z
            "#]],
        );
    }

    #[test]
    fn crm_layouts_korean_and_twelve_hour_clocks() {
        check(
            &[
                "2023. 4. 5. 오후 2:34:00",
                "2023.04.05 오전 9:05",
                "05.04.2023 12:00",
                "4/15/2023 2:34 PM",
                "4/5/2023 12:10 am",
            ],
            expect_test::expect![[r#"
                2023. 4. 5. 오후 2:34:00             2023-04-05T14:34:00Z
                2023.04.05 오전 9:05                 2023-04-05T09:05:00Z
                05.04.2023 12:00                   2023-04-05T12:00:00Z
                4/15/2023 2:34 PM                  2023-04-15T14:34:00Z
                4/5/2023 12:10 am                  2023-04-05T00:10:00Z
            "#]],
        );
    }

    #[test]
    fn day_first_is_settled_by_a_day_above_twelve() {
        check(
            &["05/04/2023 12:34", "13-04-2023", "07/07/2023"],
            expect_test::expect![[r#"
                05/04/2023 12:34                   2023-04-05T12:34:00Z
                13-04-2023                         2023-04-13T00:00:00Z
                07/07/2023                         2023-07-07T00:00:00Z
            "#]],
        );
    }

    #[test]
    fn month_first_settled_late_patches_earlier_values() {
        check(
            &["05/04/2023", "04/13/2023", "13/04/2023"],
            expect_test::expect![[r#"
                05/04/2023                         2023-05-04T00:00:00Z (patched)
                04/13/2023                         2023-04-13T00:00:00Z
                13/04/2023                         error: `13/04/2023` cannot be read month first, the order the rest of the file uses (`04/13/2023` on line 3)
            "#]],
        );
    }

    #[test]
    fn unsettled_day_month_order_is_an_error_naming_column_and_sample() {
        check(
            &["05/04/2023", "01/02/2023"],
            expect_test::expect![[r#"
                05/04/2023                         2023-04-05T00:00:00Z
                01/02/2023                         2023-02-01T00:00:00Z
                fatal: f.csv:2: column `when`: dates such as `05/04/2023` can be read day first or month first, and no value in the file settles which
                  help: give --date-format day-first (05/04/2023 is 5 April) or --date-format month-first (05/04/2023 is May 4)
            "#]],
        );
        expect_test::expect![[r#"
            05/04/2023                         2023-05-04T00:00:00Z
        "#]]
        .assert_eq(&read_with(
            Some(DateFormat::MonthFirst),
            None,
            &["05/04/2023"],
        ));
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        check(
            &[
                "2023-13-01",
                "2023-02-30",
                "2023-04-05 25:00",
                "yesterday",
                "12345",
                "5/4/23",
                "2023-04-05T12:34:56+9",
                "2023-04-05 1:2",
            ],
            expect_test::expect![[r#"
                2023-13-01                         error: cannot read `2023-13-01` as a timestamp: month 13 does not exist
                2023-02-30                         error: cannot read `2023-02-30` as a timestamp: day 30 does not exist in that month
                2023-04-05 25:00                   error: cannot read `2023-04-05 25:00` as a timestamp: the time of day is out of range
                yesterday                          error: cannot read `yesterday` as a timestamp: expected a date such as 2023-04-05
                12345                              error: cannot read `12345` as a timestamp: a plain number is read as epoch milliseconds (13 digits), epoch seconds (10 digits) or YYYYMMDD
                5/4/23                             error: cannot read `5/4/23` as a timestamp: the year must have four digits
                2023-04-05T12:34:56+9              error: cannot read `2023-04-05T12:34:56+9` as a timestamp: an offset needs two-digit hours, such as +09:00
                2023-04-05 1:2                     error: cannot read `2023-04-05 1:2` as a timestamp: expected two-digit minutes
            "#]],
        );
    }

    #[test]
    fn naive_times_take_the_time_zone_with_daylight_saving() {
        expect_test::expect![[r#"
            2023-04-05 09:00                   2023-04-05T00:00:00Z
            2023-04-05T09:00:00+09:00          2023-04-05T00:00:00Z
            2023-04-05T00:00:00Z               2023-04-05T00:00:00Z
        "#]]
        .assert_eq(&read_with(
            None,
            Some("Asia/Seoul"),
            &[
                "2023-04-05 09:00",
                "2023-04-05T09:00:00+09:00",
                "2023-04-05T00:00:00Z",
            ],
        ));
        expect_test::expect![[r#"
            2023-01-10 09:00                   2023-01-10T14:00:00Z
            2023-07-10 09:00                   2023-07-10T13:00:00Z
        "#]]
        .assert_eq(&read_with(
            None,
            Some("America/New_York"),
            &["2023-01-10 09:00", "2023-07-10 09:00"],
        ));
    }

    #[test]
    fn a_pattern_reads_other_layouts_and_iso_still_works() {
        expect_test::expect![[r#"
            05 Apr 2023, 14:34                 2023-04-05T14:34:00Z
            2023-04-06T08:00:00Z               2023-04-06T08:00:00Z
            April 5                            error: `April 5` does not match --date-format `%d %b %Y, %H:%M`: strptime parsing failed: %d failed: failed to parse day number: invalid number, no digits found
        "#]]
        .assert_eq(&read_with(
            Some(DateFormat::Pattern("%d %b %Y, %H:%M".into())),
            None,
            &["05 Apr 2023, 14:34", "2023-04-06T08:00:00Z", "April 5"],
        ));
    }

    #[test]
    fn formatting_round_trips_far_dates() {
        for micros in [0, -1, 1, 1_680_698_040_123_456, -62_135_596_800_000_000] {
            let text = format_timestamp(micros);
            let mut parser = TimeParser::new(None, None);
            assert_eq!(
                parser.parse(text.as_bytes(), "t", 1, 0),
                Ok(micros),
                "{text}"
            );
        }
    }
}
