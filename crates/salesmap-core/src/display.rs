//! How many decimals a figure needs so that what is shown reads the same as what is
//! measured, and rounding that keeps totals.
//!
//! - A share shown as a whole percent must not read 0 % when some deals did it, or 100 %
//!   when some did not: [`percent_decimals`] adds decimals until it does not.
//! - A value set against a target must sit on the same side of the target when shown:
//!   14.44 days against "≤ 14 d" shows as 14.4 d, not 14 d ([`decimals_against`]).
//! - Counts that are rounded up one by one add to more than their rounded total; rows of a
//!   plan are rounded so that their cells add to the row's total ([`round_preserving_total`]).
//!
//! The command line and the report format numbers in their own styles (grouping, units,
//! language) but take the number of decimals from here, so both show the same digits.

/// Most decimals any figure is shown with.
pub const MAX_DECIMALS: usize = 3;

fn rounded(v: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals as i32);
    (v * f).round() / f
}

/// Decimals for a share (0..=1) shown as a percent: none, unless rounding would show a
/// non-zero share as 0 % or a share below 1 as 100 %.
pub fn percent_decimals(share: f64) -> usize {
    let p = share * 100.0;
    if !p.is_finite() {
        return 0;
    }
    let mut d = 0;
    while d < MAX_DECIMALS
        && ((p != 0.0 && rounded(p, d) == 0.0) || (p != 100.0 && rounded(p, d).abs() == 100.0))
    {
        d += 1;
    }
    d
}

/// A share as a percent with [`percent_decimals`]: `42%`, `0.4%`, `99.8%`.
pub fn percent(share: f64) -> String {
    format!("{:.*}%", percent_decimals(share), share * 100.0)
}

/// Decimals for `value` shown next to `target` (both multiplied by `scale`, 100 for shares):
/// at least `min`, and as many more (up to [`MAX_DECIMALS`]) as it takes for the shown
/// value to differ from the shown target when the two differ, on the same side.
pub fn decimals_against(value: f64, target: f64, scale: f64, min: usize) -> usize {
    let (v, t) = (value * scale, target * scale);
    if !v.is_finite() || !t.is_finite() || v == t {
        return min;
    }
    let mut d = min;
    while d < MAX_DECIMALS {
        let (rv, rt) = (rounded(v, d), rounded(t, d));
        if rv != rt && (rv < rt) == (v < t) {
            break;
        }
        d += 1;
    }
    d
}

/// Whole numbers for `values` that add up to `total`: each value is floored, and the units
/// still missing go to the largest remainders (earlier cells first on ties). Used where a
/// row of fractional needs is shown in whole deals next to its rounded total. Values that
/// are not finite or negative count as 0.
pub fn round_preserving_total(values: &[f64], total: u64) -> Vec<u64> {
    let clean: Vec<f64> = values
        .iter()
        .map(|&v| if v.is_finite() && v > 0.0 { v } else { 0.0 })
        .collect();
    let mut out: Vec<u64> = clean.iter().map(|v| v.floor() as u64).collect();
    let floor_sum: u64 = out.iter().sum();
    if floor_sum >= total || out.is_empty() {
        return out;
    }
    let mut order: Vec<usize> = (0..clean.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (clean[a] - clean[a].floor(), clean[b] - clean[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let mut missing = total - floor_sum;
    for &i in order.iter().cycle() {
        if missing == 0 {
            break;
        }
        out[i] += 1;
        missing -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_never_read_zero_or_whole_when_they_are_not() {
        let shown: Vec<String> = [0.0, 0.004, 0.1053, 0.42, 0.9996, 0.99999, 1.0]
            .iter()
            .map(|&s| percent(s))
            .collect();
        assert_eq!(
            shown,
            ["0%", "0.4%", "11%", "42%", "99.96%", "99.999%", "100%"]
        );
    }

    #[test]
    fn values_against_targets_sit_on_the_right_side() {
        // 14.44 d against ≤ 14 d; 10.53 % against ≥ 11 %; 63 d against 75 d needs nothing.
        assert_eq!(decimals_against(14.44, 14.0, 1.0, 0), 1);
        assert_eq!(decimals_against(0.1053, 0.11, 100.0, 0), 1);
        assert_eq!(decimals_against(63.0, 75.0, 1.0, 0), 0);
        assert_eq!(decimals_against(14.0, 14.0, 1.0, 0), 0);
        // 13.96 rounds to 14.0 at one decimal: two are needed.
        assert_eq!(decimals_against(13.996, 14.0, 1.0, 0), 3);
        assert_eq!(decimals_against(13.96, 14.0, 1.0, 1), 2);
    }

    #[test]
    fn rounded_cells_add_up_to_the_total() {
        let cells = [
            3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25, 3.25,
        ];
        let total = (cells.iter().sum::<f64>()).ceil() as u64; // 39
        let r = round_preserving_total(&cells, total);
        assert_eq!(r.iter().sum::<u64>(), 39);
        assert_eq!(r, [4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
        assert_eq!(round_preserving_total(&[0.6, 0.3, 0.1], 1), [1, 0, 0]);
        assert_eq!(round_preserving_total(&[f64::NAN, -1.0, 2.0], 2), [0, 0, 2]);
        assert_eq!(round_preserving_total(&[], 3), Vec::<u64>::new());
    }
}
