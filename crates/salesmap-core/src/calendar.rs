//! Civil dates and planning periods (week, month, quarter) as plain integers.
//!
//! A [`Day`] is a count of days since 1970-01-01 in the proleptic Gregorian calendar; periods
//! are half-open day ranges. The conversions are the classic days-from-civil algorithms, so the
//! core needs no date library and stays free of clocks and time zones: callers decide what
//! "today" is and in which zone.

use serde::Serialize;

use crate::history::{MICROS_PER_DAY, Micros};

/// Days since 1970-01-01.
pub type Day = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Day {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub fn civil_from_days(days: Day) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parses `YYYY-MM-DD`, rejecting impossible dates such as 2027-02-30.
pub fn parse_date(s: &str) -> Option<Day> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let day = days_from_civil(y, m, d);
    (civil_from_days(day) == (y, m, d)).then_some(day)
}

/// `YYYY-MM-DD` of a day number.
pub fn format_date(day: Day) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// The day an instant falls on (UTC).
pub fn day_of(t: Micros) -> Day {
    t.div_euclid(MICROS_PER_DAY)
}

/// The first instant of a day (UTC).
pub fn start_of(day: Day) -> Micros {
    day * MICROS_PER_DAY
}

/// The length of a planning period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    Week,
    Month,
    Quarter,
}

impl Period {
    pub fn from_name(name: &str) -> Option<Period> {
        match name {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "quarter" => Some(Period::Quarter),
            _ => None,
        }
    }

    /// The first day of the period containing `day` (weeks start on Monday).
    pub fn start(self, day: Day) -> Day {
        match self {
            // 1970-01-01 was a Thursday: Monday-based weekday is (day + 3) mod 7.
            Period::Week => day - (day + 3).rem_euclid(7),
            Period::Month => {
                let (y, m, _) = civil_from_days(day);
                days_from_civil(y, m, 1)
            }
            Period::Quarter => {
                let (y, m, _) = civil_from_days(day);
                days_from_civil(y, (m - 1) / 3 * 3 + 1, 1)
            }
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: Day) -> Day {
        match self {
            Period::Week => start + 7,
            Period::Month | Period::Quarter => {
                let (y, m, _) = civil_from_days(start);
                let step = if self == Period::Month { 1 } else { 3 };
                let months = y * 12 + i64::from(m - 1) + step;
                days_from_civil(months.div_euclid(12), (months.rem_euclid(12) + 1) as u32, 1)
            }
        }
    }

    /// A label for the period starting on `start`: `2027-01`, `2027-Q1`, `2027-01-04` (week of).
    pub fn label(self, start: Day) -> String {
        let (y, m, _) = civil_from_days(start);
        match self {
            Period::Week => format_date(start),
            Period::Month => format!("{y:04}-{m:02}"),
            Period::Quarter => format!("{y:04}-Q{}", (m - 1) / 3 + 1),
        }
    }
}

/// A half-open range of days `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DayRange {
    pub start: Day,
    pub end: Day,
}

impl DayRange {
    pub fn len(self) -> i64 {
        (self.end - self.start).max(0)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Days shared with `other`.
    pub fn overlap(self, other: DayRange) -> i64 {
        (self.end.min(other.end) - self.start.max(other.start)).max(0)
    }
}

/// Parses a period name such as `2024-Q1`, `2024-H2`, `2024-03` or `2024` into its day range.
pub fn parse_period(s: &str) -> Option<DayRange> {
    // Halves and quarters: `YYYY-Hn` of 6 months, `YYYY-Qn` of 3.
    for (letters, parts) in [(["-H", "-h"], 2u32), (["-Q", "-q"], 4)] {
        if let Some((y, n)) = s
            .split_once(letters[0])
            .or_else(|| s.split_once(letters[1]))
        {
            let y: i64 = y.parse().ok()?;
            let n: u32 = n.parse().ok()?;
            if !(1..=parts).contains(&n) || y < 1 {
                return None;
            }
            let months = 12 / parts;
            let start = days_from_civil(y, (n - 1) * months + 1, 1);
            let next = n * months; // months from the year's start to the period's end
            let end = days_from_civil(y + i64::from(next / 12), next % 12 + 1, 1);
            return Some(DayRange { start, end });
        }
    }
    if s.len() == 7 && s.as_bytes()[4] == b'-' {
        let y: i64 = s[..4].parse().ok()?;
        let m: u32 = s[5..].parse().ok()?;
        if !(1..=12).contains(&m) {
            return None;
        }
        let start = days_from_civil(y, m, 1);
        return Some(DayRange {
            start,
            end: Period::Month.next(start),
        });
    }
    if s.len() == 4 {
        let y: i64 = s.parse().ok()?;
        return Some(DayRange {
            start: days_from_civil(y, 1, 1),
            end: days_from_civil(y + 1, 1, 1),
        });
    }
    None
}

/// The periods covering `range`, each clipped to it.
pub fn periods(range: DayRange, period: Period) -> Vec<(String, DayRange)> {
    let mut out = Vec::new();
    let mut start = period.start(range.start);
    while start < range.end {
        let next = period.next(start);
        out.push((
            period.label(start),
            DayRange {
                start: start.max(range.start),
                end: next.min(range.end),
            },
        ));
        start = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_and_known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(
            parse_date("2028-02-29").map(format_date).as_deref(),
            Some("2028-02-29")
        );
        for d in [-1_000_000, -1, 0, 59, 365, 11_016, 20_000, 2_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn periods_cover_a_range() {
        let range = DayRange {
            start: parse_date("2027-01-15").unwrap(),
            end: parse_date("2027-04-01").unwrap(),
        };
        let labels: Vec<_> = periods(range, Period::Month)
            .into_iter()
            .map(|(l, r)| format!("{l} {} {}", format_date(r.start), r.len()))
            .collect();
        assert_eq!(
            labels,
            [
                "2027-01 2027-01-15 17",
                "2027-02 2027-02-01 28",
                "2027-03 2027-03-01 31"
            ]
        );
        let q: Vec<_> = periods(range, Period::Quarter)
            .into_iter()
            .map(|(l, _)| l)
            .collect();
        assert_eq!(q, ["2027-Q1"]);
        // 2027-01-04 is a Monday.
        assert_eq!(
            format_date(Period::Week.start(parse_date("2027-01-10").unwrap())),
            "2027-01-04"
        );
    }

    #[test]
    fn period_names() {
        let q = parse_period("2024-Q1").unwrap();
        assert_eq!(
            (format_date(q.start), format_date(q.end)),
            ("2024-01-01".into(), "2024-04-01".into())
        );
        let m = parse_period("2024-12").unwrap();
        assert_eq!(format_date(m.end), "2025-01-01");
        let h = parse_period("2024-H2").unwrap();
        assert_eq!(
            (format_date(h.start), format_date(h.end)),
            ("2024-07-01".into(), "2025-01-01".into())
        );
        let q4 = parse_period("2024-q4").unwrap();
        let h1 = parse_period("2024-H1").unwrap();
        assert_eq!(
            (
                format_date(q4.start),
                format_date(q4.end),
                format_date(h1.end)
            ),
            (
                "2024-10-01".into(),
                "2025-01-01".into(),
                "2024-07-01".into()
            )
        );
        assert_eq!(parse_period("2024-Q5"), None);
        assert_eq!(parse_period("2024-H3"), None);
        assert_eq!(parse_period("Q1"), None);
    }
}
