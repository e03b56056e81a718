//! Fast vs slow (R3, R17): what the fastest won deals have in common that the slowest lack.
//!
//! Won deals are ranked by sales cycle length (ties by deal id); the fastest quarter and the
//! slowest quarter (each `⌊won / 4⌋` deals, at least [`MIN_GROUP`]) are compared on their path
//! (which main-path stages they went through), their touches before the win and their
//! categorical attributes. Each difference is the gap between the two groups' shares, ranked
//! by its size; counts are always shown so a reader can judge small groups. Outliers are won
//! deals whose cycle lies outside Tukey's fences (1.5 × IQR beyond the quartiles).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::history::{Column, History, MICROS_PER_DAY, Micros};
use crate::journey::{Journey, Journeys};
use crate::map::{MainPath, Map};
use crate::stats::{Summary, quantile_sorted};
use crate::timing::cycle_micros;

/// Fewest deals per group for a comparison.
pub const MIN_GROUP: usize = 2;
/// Most differences reported.
pub const MAX_DIFFERENCES: usize = 12;
/// Most outliers listed.
pub const MAX_OUTLIERS: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FastSlow {
    /// Won deals with a cycle length.
    pub won: u64,
    /// Deals in each group; 0 when there are too few won deals to compare.
    pub group: u64,
    /// Longest cycle in the fast group and shortest in the slow group, in days.
    pub fast_max_days: Option<f64>,
    pub slow_min_days: Option<f64>,
    pub fast_median_days: Option<f64>,
    pub slow_median_days: Option<f64>,
    /// Differences between the groups, largest first.
    pub differences: Vec<Difference>,
    /// Median days in each main-path stage before the win, per group.
    pub stage_days: Vec<StageComparison>,
    /// Mean touches per deal before the win.
    pub fast_touches: Option<f64>,
    pub slow_touches: Option<f64>,
    /// Tukey fences on cycle days (low, high).
    pub fences_days: Option<(f64, f64)>,
    pub outliers: Vec<Outlier>,
}

/// A trait shared by more of one group than the other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Difference {
    /// What the deals share, e.g. `source = referral` or `went through demo`.
    pub feature: String,
    pub fast: u64,
    pub slow: u64,
    pub fast_share: f64,
    pub slow_share: f64,
    /// Larger share over the smaller; `None` when the smaller is 0.
    pub ratio: Option<f64>,
    /// A sentence for the report.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageComparison {
    pub stage: String,
    pub fast_n: u64,
    pub fast_median_days: Option<f64>,
    pub slow_n: u64,
    pub slow_median_days: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outlier {
    pub deal: String,
    pub days: f64,
    /// `slow` above the high fence, `fast` below the low one.
    pub side: String,
}

fn days(m: Micros) -> f64 {
    m as f64 / MICROS_PER_DAY as f64
}

/// Compares the fastest and slowest won deals on touches, path and the deal attributes in
/// `attrs` (the comparable ones: [`crate::attributes::comparable`]).
pub fn fast_slow(map: &Map, history: &History, journeys: &Journeys, attrs: &[&Column]) -> FastSlow {
    let mut won: Vec<(Micros, &str, &Journey)> = journeys
        .deals
        .iter()
        .filter_map(|j| cycle_micros(map, j).map(|c| (c, history.deals.name(j.deal), j)))
        .collect();
    won.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let cycles: Vec<f64> = won.iter().map(|w| days(w.0)).collect();
    let (fences_days, outliers) = outliers(&won, &cycles);
    let q = won.len() / 4;
    let mut result = FastSlow {
        won: won.len() as u64,
        group: 0,
        fast_max_days: None,
        slow_min_days: None,
        fast_median_days: None,
        slow_median_days: None,
        differences: Vec::new(),
        stage_days: Vec::new(),
        fast_touches: None,
        slow_touches: None,
        fences_days,
        outliers,
    };
    if q < MIN_GROUP {
        return result;
    }
    let fast: Vec<&Journey> = won[..q].iter().map(|w| w.2).collect();
    let slow: Vec<&Journey> = won[won.len() - q..].iter().map(|w| w.2).collect();
    result.group = q as u64;
    result.fast_max_days = Some(cycles[q - 1]);
    result.slow_min_days = Some(cycles[won.len() - q]);
    result.fast_median_days = quantile_sorted(&cycles[..q], 0.5);
    result.slow_median_days = quantile_sorted(&cycles[won.len() - q..], 0.5);
    let main_path = &journeys.main_path;
    result.differences = differences(map, main_path, history, attrs, &fast, &slow);
    result.stage_days = stage_days(map, main_path, &fast, &slow);
    let touches = |g: &[&Journey]| {
        let n: usize = g
            .iter()
            .map(|j| j.touches.iter().filter(|t| Some(t.1) <= j.won_at).count())
            .sum();
        n as f64 / g.len() as f64
    };
    if journeys.has_touches {
        result.fast_touches = Some(touches(&fast));
        result.slow_touches = Some(touches(&slow));
    }
    result
}

fn outliers(
    won: &[(Micros, &str, &Journey)],
    cycles: &[f64],
) -> (Option<(f64, f64)>, Vec<Outlier>) {
    if cycles.len() < 4 {
        return (None, Vec::new());
    }
    let q1 = quantile_sorted(cycles, 0.25).expect("not empty");
    let q3 = quantile_sorted(cycles, 0.75).expect("not empty");
    let (lo, hi) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1));
    let mut list: Vec<Outlier> = won
        .iter()
        .zip(cycles)
        .filter(|&(_, &d)| d < lo || d > hi)
        .map(|(w, &d)| Outlier {
            deal: w.1.to_string(),
            days: d,
            side: if d > hi { "slow" } else { "fast" }.to_string(),
        })
        .collect();
    list.sort_by(|a, b| b.days.total_cmp(&a.days).then_with(|| a.deal.cmp(&b.deal)));
    list.truncate(MAX_OUTLIERS);
    (Some((lo, hi)), list)
}

/// The features of one won deal: attribute values, touch types before the win, main-path
/// stages gone through before the win.
fn features(
    map: &Map,
    main_path: &MainPath,
    history: &History,
    attrs: &[&Column],
    j: &Journey,
) -> Vec<String> {
    let mut out = Vec::new();
    for col in attrs {
        if let Some(v) = col.get(j.deal as usize) {
            out.push(format!("{} = {v}", col.name));
        }
    }
    for &(t, time) in &j.touches {
        if Some(time) <= j.won_at {
            out.push(format!("had a {} touch", history.activities.name(t)));
        }
    }
    let (path, pos) = (&main_path.stages, &main_path.position);
    let won_pos = main_path.won_position().unwrap_or(path.len());
    for e in &j.entries {
        if let Some(p) = e.stage.and_then(|s| pos[s.index()])
            && p > 0
            && p < won_pos
        {
            out.push(format!("went through {}", map.stage(path[p]).id));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn differences(
    map: &Map,
    main_path: &MainPath,
    history: &History,
    attrs: &[&Column],
    fast: &[&Journey],
    slow: &[&Journey],
) -> Vec<Difference> {
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for j in fast {
        for f in features(map, main_path, history, attrs, j) {
            counts.entry(f).or_default().0 += 1;
        }
    }
    for j in slow {
        for f in features(map, main_path, history, attrs, j) {
            counts.entry(f).or_default().1 += 1;
        }
    }
    let n = fast.len() as f64;
    let mut diffs: Vec<Difference> = counts
        .into_iter()
        .filter(|(_, (a, b))| a != b)
        .map(|(feature, (a, b))| {
            let (fs, ss) = (a as f64 / n, b as f64 / n);
            let (hi, lo) = if fs > ss { (fs, ss) } else { (ss, fs) };
            let ratio = (lo > 0.0).then(|| hi / lo);
            let more = if fs > ss { "fast" } else { "slow" };
            let how = match ratio {
                Some(r) => format!("{r:.1}× more often among {more} deals"),
                None => format!("only among {more} deals"),
            };
            let text = format!(
                "{feature}: {:.0}% of fast deals (n={a}) vs {:.0}% of slow (n={b}), {how}",
                fs * 100.0,
                ss * 100.0
            );
            Difference {
                feature,
                fast: a,
                slow: b,
                fast_share: fs,
                slow_share: ss,
                ratio,
                text,
            }
        })
        .collect();
    diffs.sort_by(|x, y| {
        let gap = |d: &Difference| (d.fast_share - d.slow_share).abs();
        gap(y)
            .total_cmp(&gap(x))
            .then_with(|| x.feature.cmp(&y.feature))
    });
    diffs.truncate(MAX_DIFFERENCES);
    diffs
}

fn stage_days(
    map: &Map,
    main_path: &MainPath,
    fast: &[&Journey],
    slow: &[&Journey],
) -> Vec<StageComparison> {
    let path = &main_path.stages;
    let won_pos = main_path.won_position().unwrap_or(path.len());
    let stays = |group: &[&Journey], p: usize| {
        let mut v: Vec<Micros> = Vec::new();
        for j in group {
            for w in j.entries.windows(2) {
                if w[0].stage == Some(path[p]) && Some(w[0].time) < j.won_at {
                    v.push(w[1].time - w[0].time);
                }
            }
        }
        Summary::of_micros_in_days(&mut v)
    };
    (0..won_pos.min(path.len()))
        .map(|p| {
            let (f, s) = (stays(fast, p), stays(slow, p));
            StageComparison {
                stage: map.stage(path[p]).id.clone(),
                fast_n: f.as_ref().map_or(0, |s| s.n),
                fast_median_days: f.map(|s| s.median),
                slow_n: s.as_ref().map_or(0, |s| s.n),
                slow_median_days: s.map(|s| s.median),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};
    use expect_test::expect;

    #[test]
    fn referral_deals_skip_demo_and_win_faster() {
        // Eight won deals: four referral deals skip demo and win in 4-7 days; four web deals
        // go through demo and take 20-50 days. One lost deal is ignored.
        let mut events = String::new();
        for (i, d) in [4, 5, 6, 7].iter().enumerate() {
            events += &format!(
                "r{i} lead 0 source=referral; r{i} qualify 1; r{i} +call 1.5; r{i} proposal 2; r{i} won {d}; "
            );
        }
        for (i, d) in [20, 30, 40, 50].iter().enumerate() {
            events += &format!(
                "w{i} lead 0 source=web; w{i} qualify 1; w{i} demo 3; w{i} proposal 10; w{i} won {d}; "
            );
        }
        events += "x lead 0 source=web; x lost 1";
        let map = test_map();
        let h = history(&events);
        let js = Journeys::build(&map, &h, day(100.0));
        let fs = fast_slow(
            &map,
            &h,
            &js,
            &crate::attributes::comparable(&h, &js).columns,
        );
        let mut out = format!(
            "won={} group={} fast<={:?} slow>={:?} medians {:?}/{:?} touches {:?}/{:?}\n",
            fs.won,
            fs.group,
            fs.fast_max_days,
            fs.slow_min_days,
            fs.fast_median_days,
            fs.slow_median_days,
            fs.fast_touches,
            fs.slow_touches
        );
        for d in &fs.differences {
            out += &format!("{}\n", d.text);
        }
        for s in &fs.stage_days {
            out += &format!(
                "{} fast n={} {:?} slow n={} {:?}\n",
                s.stage, s.fast_n, s.fast_median_days, s.slow_n, s.slow_median_days
            );
        }
        out += &format!("fences {:?} outliers {}", fs.fences_days, fs.outliers.len());
        expect![[r#"
            won=8 group=2 fast<=Some(5.0) slow>=Some(40.0) medians Some(4.5)/Some(45.0) touches Some(1.0)/Some(0.0)
            had a call touch: 100% of fast deals (n=2) vs 0% of slow (n=0), only among fast deals
            source = referral: 100% of fast deals (n=2) vs 0% of slow (n=0), only among fast deals
            source = web: 0% of fast deals (n=0) vs 100% of slow (n=2), only among slow deals
            went through demo: 0% of fast deals (n=0) vs 100% of slow (n=2), only among slow deals
            lead fast n=2 Some(1.0) slow n=2 Some(1.0)
            qualify fast n=2 Some(1.0) slow n=2 Some(2.0)
            demo fast n=0 None slow n=2 Some(7.0)
            proposal fast n=2 Some(2.5) slow n=2 Some(35.0)
            fences Some((-34.375, 72.625)) outliers 0"#]]
        .assert_eq(&out);
    }

    #[test]
    fn too_few_won_deals_to_compare_but_outliers_still_listed() {
        let map = test_map();
        let h = history(
            "a lead 0; a won 1; b lead 0; b won 2; c lead 0; c won 2; d lead 0; d won 3; e lead 0; e won 90",
        );
        let js = Journeys::build(&map, &h, day(100.0));
        let fs = fast_slow(
            &map,
            &h,
            &js,
            &crate::attributes::comparable(&h, &js).columns,
        );
        assert_eq!((fs.won, fs.group, fs.differences.len()), (5, 0, 0));
        assert_eq!(fs.fences_days, Some((0.5, 4.5)));
        assert_eq!(
            fs.outliers,
            [Outlier {
                deal: "e".into(),
                days: 90.0,
                side: "slow".into()
            }]
        );
    }
}
