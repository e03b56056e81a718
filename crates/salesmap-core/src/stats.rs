//! Exact summary statistics over durations and values: count, sum, mean, median, percentiles,
//! minimum, maximum and the sample standard deviation (n−1).
//!
//! Every analysis (discovery, time in stage, cycle length, first response, hand-offs) reports
//! durations through [`Summary`], so all of them share one definition of each figure:
//! medians of an even count are the mean of the two middle values, percentiles interpolate
//! linearly between order statistics (the "type 7" rule of R and NumPy), and the standard
//! deviation is `None` for fewer than two values. Durations are collected as integer
//! microseconds and summed as integers, so results do not depend on input order. The order
//! statistics of durations are found by selection (`select_nth_unstable`, linear time)
//! rather than by sorting: summaries of millions of durations are most of discovery's work.

use serde::Serialize;

use crate::history::{MICROS_PER_DAY, MICROS_PER_SECOND, Micros};

/// Summary of a set of numbers. Durations are reported in seconds (see [`Summary::of_micros`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub n: u64,
    pub sum: f64,
    pub mean: f64,
    pub median: f64,
    pub p75: f64,
    pub p90: f64,
    pub min: f64,
    pub max: f64,
    /// Sample standard deviation (divides by n−1); `None` for a single value.
    pub stdev: Option<f64>,
}

impl Summary {
    /// Summarizes durations given in microseconds, reporting seconds. Reorders `values` in
    /// place. Returns `None` when there are no values.
    pub fn of_micros(values: &mut [Micros]) -> Option<Summary> {
        Summary::of_micros_in(values, MICROS_PER_SECOND)
    }

    /// Summarizes durations given in microseconds, reporting days. Reorders `values` in place.
    pub fn of_micros_in_days(values: &mut [Micros]) -> Option<Summary> {
        Summary::of_micros_in(values, MICROS_PER_DAY)
    }

    /// Summarizes durations given in microseconds, reporting hours. Reorders `values` in
    /// place.
    pub fn of_micros_in_hours(values: &mut [Micros]) -> Option<Summary> {
        Summary::of_micros_in(values, 3600 * MICROS_PER_SECOND)
    }

    fn of_micros_in(values: &mut [Micros], unit: i64) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        let n = values.len();
        let unit = unit as f64;
        let (mut min, mut max, mut sum) = (Micros::MAX, Micros::MIN, 0i128);
        for &v in values.iter() {
            min = min.min(v);
            max = max.max(v);
            sum += v as i128;
        }
        let mean_micros = sum as f64 / n as f64;
        let stdev = (n > 1).then(|| {
            let ss: f64 = values
                .iter()
                .map(|&v| {
                    let d = v as f64 - mean_micros;
                    d * d
                })
                .sum();
            (ss / (n - 1) as f64).sqrt() / unit
        });
        let [median, p75, p90] = quantiles_by_selection(values, [0.5, 0.75, 0.9]);
        Some(Summary {
            n: n as u64,
            sum: sum as f64 / unit,
            mean: mean_micros / unit,
            median: median / unit,
            p75: p75 / unit,
            p90: p90 / unit,
            min: min as f64 / unit,
            max: max as f64 / unit,
            stdev,
        })
    }

    /// Summarizes plain numbers (amounts, counts). Sorts `values` in place; NaNs must not occur.
    pub fn of_values(values: &mut [f64]) -> Option<Summary> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable_by(f64::total_cmp);
        let n = values.len();
        let sum: f64 = values.iter().sum();
        let mean = sum / n as f64;
        let stdev = (n > 1).then(|| {
            let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        });
        let q = |p: f64| quantile_sorted_by(n, p, |i| values[i]);
        Some(Summary {
            n: n as u64,
            sum,
            mean,
            median: q(0.5),
            p75: q(0.75),
            p90: q(0.9),
            min: values[0],
            max: values[n - 1],
            stdev,
        })
    }
}

/// The `p`-quantile (0..=1) of `n` sorted values read through `at`, interpolating linearly
/// between the order statistics at rank `p·(n−1)`. For `p = 0.5` this is the usual median.
fn quantile_sorted_by(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    debug_assert!(n > 0);
    let rank = p * (n - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let (a, b) = (at(lo), at(hi));
    if lo == hi {
        a
    } else {
        a + (b - a) * (rank - lo as f64)
    }
}

/// The `ps`-quantiles (ascending) of `values`, by the rule of [`quantile_sorted_by`], found by
/// selecting each order statistic needed in the part of `values` not yet below the last one
/// selected; `values` ends up partly ordered.
fn quantiles_by_selection<const K: usize>(values: &mut [Micros], ps: [f64; K]) -> [f64; K] {
    let n = values.len();
    debug_assert!(n > 0 && ps.is_sorted());
    // `values[..base]` are the smallest `base` values; `known` the ranks selected so far
    // (a later quantile's lower rank can be an earlier one's upper rank, never lower).
    let mut base = 0;
    let mut known: Vec<(usize, Micros)> = Vec::with_capacity(2 * K);
    let mut at = |rank: usize| -> f64 {
        if let Some(&(_, v)) = known.iter().find(|(r, _)| *r == rank) {
            return v as f64;
        }
        let (_, v, _) = values[base..].select_nth_unstable(rank - base);
        let v = *v;
        base = rank + 1;
        known.push((rank, v));
        v as f64
    };
    ps.map(|p| {
        let rank = p * (n - 1) as f64;
        let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
        let a = at(lo);
        if lo == hi {
            a
        } else {
            a + (at(hi) - a) * (rank - lo as f64)
        }
    })
}

/// The `p`-quantile of already sorted values (see [`Summary`] for the rule).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    (!sorted.is_empty()).then(|| quantile_sorted_by(sorted.len(), p, |i| sorted[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(values: &[i64], expect: &str) {
        let mut micros: Vec<i64> = values.iter().map(|v| v * MICROS_PER_SECOND).collect();
        let got = match Summary::of_micros(&mut micros) {
            None => "none".to_string(),
            Some(s) => format!(
                "n={} sum={} mean={} median={} p75={} p90={} min={} max={} stdev={}",
                s.n,
                s.sum,
                s.mean,
                s.median,
                s.p75,
                s.p90,
                s.min,
                s.max,
                s.stdev.map_or("none".into(), |v| format!("{v:.6}"))
            ),
        };
        assert_eq!(got, expect, "values {values:?}");
    }

    #[test]
    fn empty() {
        check(&[], "none");
    }
    #[test]
    fn one_value_has_no_stdev() {
        check(
            &[7],
            "n=1 sum=7 mean=7 median=7 p75=7 p90=7 min=7 max=7 stdev=none",
        );
    }
    #[test]
    fn even_count_median_is_mean_of_middle_two() {
        check(
            &[4, 1, 3, 2],
            "n=4 sum=10 mean=2.5 median=2.5 p75=3.25 p90=3.7 min=1 max=4 stdev=1.290994",
        );
    }
    #[test]
    fn odd_count() {
        check(
            &[10, 0, 5],
            "n=3 sum=15 mean=5 median=5 p75=7.5 p90=9 min=0 max=10 stdev=5.000000",
        );
    }
    #[test]
    fn negative_durations_are_kept() {
        check(
            &[-2, 2],
            "n=2 sum=0 mean=0 median=0 p75=1 p90=1.6 min=-2 max=2 stdev=2.828427",
        );
    }
    #[test]
    fn selection_agrees_with_sorting() {
        // Many sizes and repeated values; the sorted reading is the definition.
        let mut seed = 7u64;
        for n in 1..200usize {
            let mut values: Vec<i64> = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (seed >> 40) as i64 % 50 - 10
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let sorted: Vec<f64> = sorted.iter().map(|&v| v as f64).collect();
            let want = [0.5, 0.75, 0.9].map(|p| quantile_sorted(&sorted, p).unwrap());
            assert_eq!(
                quantiles_by_selection(&mut values, [0.5, 0.75, 0.9]),
                want,
                "n={n}"
            );
        }
    }

    #[test]
    fn days_unit() {
        let mut v = vec![MICROS_PER_DAY, 3 * MICROS_PER_DAY];
        let s = Summary::of_micros_in_days(&mut v).unwrap();
        assert_eq!((s.median, s.p90, s.sum), (2.0, 2.8, 4.0));
    }
    #[test]
    fn plain_values() {
        let s = Summary::of_values(&mut [3.0, 1.0, 2.0]).unwrap();
        assert_eq!((s.n, s.median, s.mean, s.stdev), (3, 2.0, 2.0, Some(1.0)));
        assert_eq!(quantile_sorted(&[1.0, 2.0], 0.5), Some(1.5));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
