//! Triggers and friction (R4): which touches and attributes raise a deal's chance of
//! advancing from each stage, and where deals drop out, with the reasons they give.
//!
//! For a main-path stage, the deals that entered it and have been *decided* (they advanced
//! to a later main-path stage or were won, or they ended lost, disqualified or churned) form
//! the base; deals still open there are left out, since their answer is not in yet, unless
//! they are aged ([`crate::aging`]): a deal open far longer than won deals take has stalled
//! and counts as not advanced. A feature's lift is its advance rate over the base rate. A touch counts for a stage when it
//! happened during the deal's first stay there. Every lift carries its `n`, and features
//! seen on fewer than [`MIN_SUPPORT`] deals are ranked after the others.
//!
//! Friction counts, for each main-path stage before the win, the deals that dropped out
//! there: they ended lost or disqualified and it is the furthest main-path stage they
//! reached (the funnel's `dropped`, so each such deal counts at exactly one stage and the
//! funnel, the friction ranking and the findings give the same number), with their lost
//! reasons.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::history::{Column, History, Micros};
use crate::journey::{Journey, Journeys, LOST_REASON_ATTRS, Status};
use crate::map::{Map, Outcome};

/// Features seen on fewer deals than this are ranked after the rest.
pub const MIN_SUPPORT: u64 = 5;
/// Most features kept per stage.
pub const MAX_FEATURES: usize = 8;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageTriggers {
    pub stage: String,
    /// Decided deals that entered the stage.
    pub decided: u64,
    /// Of those, deals that advanced.
    pub advanced: u64,
    pub rate: Option<f64>,
    /// Features ranked by lift (well-supported first).
    pub features: Vec<Lift>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lift {
    /// e.g. `touch: demo-call` or `source = referral`.
    pub feature: String,
    /// Decided deals with the feature.
    pub n: u64,
    pub advanced: u64,
    pub rate: f64,
    /// `rate / stage rate`.
    pub lift: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Friction {
    pub stage: String,
    /// Deals that ended lost or disqualified with this as the furthest main-path stage they
    /// reached (the funnel's `dropped`).
    pub dropped: u64,
    /// Deals that entered the stage (the strict funnel's `reached`).
    pub entered: u64,
    /// `dropped / entered`.
    pub drop_rate: Option<f64>,
    /// Lost reasons of the dropped deals, most frequent first (`(none)` when missing).
    pub reasons: Vec<(String, u64)>,
}

/// Trigger lifts for every main-path stage before the won milestone, over touches and the
/// deal attributes in `attrs` (the comparable ones: [`crate::attributes::comparable`]).
pub fn triggers(
    map: &Map,
    history: &History,
    journeys: &Journeys,
    attrs: &[&Column],
) -> Vec<StageTriggers> {
    let (path, pos) = (&journeys.main_path.stages, &journeys.main_path.position);
    let won_pos = journeys.main_path.won_position().unwrap_or(path.len());
    // The stages measured: main-path stages before won that are not outcomes, and the last
    // path stage never (it has nowhere to advance to).
    let measured: Vec<bool> = (0..path.len())
        .map(|p| p + 1 < path.len() && map.outcome(path[p]).is_none() && p < won_pos)
        .collect();
    // Features are numbered densely: touch activities first, then each category's values.
    let mut offsets = vec![history.activities.len()];
    for col in attrs {
        offsets.push(offsets.last().expect("one offset") + col.dict.len());
    }
    let n_features = *offsets.last().expect("one offset");
    // Per path position: decided, advanced, and (deals, advanced) per feature.
    let mut decided = vec![0u64; path.len()];
    let mut advanced = vec![0u64; path.len()];
    let mut counts = vec![(0u64, 0u64); path.len() * n_features];
    // Per feature: the (deal, stage) visit that last counted it, so a deal counts once.
    let mut counted = vec![usize::MAX; n_features];
    let mut visit = 0usize;
    let mut first_at: Vec<Option<usize>> = vec![None; path.len()];
    let mut attr_features: Vec<usize> = Vec::with_capacity(attrs.len());
    for j in &journeys.deals {
        first_at.iter_mut().for_each(|f| *f = None);
        for (k, e) in j.entries.iter().enumerate() {
            if let Some(p) = e.stage.and_then(|s| pos[s.index()])
                && first_at[p].is_none()
            {
                first_at[p] = Some(k);
            }
        }
        attr_features.clear();
        for (c, col) in attrs.iter().enumerate() {
            match col.codes.get(j.deal as usize).copied().unwrap_or(0) {
                0 => {}
                code => attr_features.push(offsets[c] + code as usize - 1),
            }
        }
        let ended = ended(map, j);
        for p in (0..path.len()).filter(|&p| measured[p]) {
            let Some(k) = first_at[p] else { continue };
            let went_on = j.status == Status::Won
                || j.entries[k + 1..]
                    .iter()
                    .any(|e| e.stage.and_then(|s| pos[s.index()]).is_some_and(|q| q > p));
            // An aged open deal's answer is in: it stalled (an export without lost events
            // would otherwise make every stage "100 % advance").
            if !went_on && !ended && !j.aged {
                continue;
            }
            decided[p] += 1;
            advanced[p] += went_on as u64;
            let entered = j.entries[k].time;
            let until: Micros = j.entries.get(k + 1).map_or(Micros::MAX, |e| e.time);
            visit += 1;
            let row = &mut counts[p * n_features..(p + 1) * n_features];
            let touches = j
                .touches
                .iter()
                .filter(|&&(_, t)| t >= entered && t < until)
                .map(|&(a, _)| a as usize);
            for f in touches.chain(attr_features.iter().copied()) {
                if std::mem::replace(&mut counted[f], visit) != visit {
                    row[f].0 += 1;
                    row[f].1 += went_on as u64;
                }
            }
        }
    }
    // The offsets at or below a feature's number: none for a touch, c + 1 for a value of
    // category c.
    let feature_name = |f: usize| match offsets.partition_point(|&o| o <= f) {
        0 => format!("touch: {}", history.activities.name(f as u32)),
        c => {
            let col = attrs[c - 1];
            format!(
                "{} = {}",
                col.name,
                col.dict.name((f - offsets[c - 1]) as u32)
            )
        }
    };
    let mut out = Vec::new();
    for p in (0..path.len()).filter(|&p| measured[p]) {
        let rate = (decided[p] > 0).then(|| advanced[p] as f64 / decided[p] as f64);
        let row = &counts[p * n_features..(p + 1) * n_features];
        let mut features: Vec<Lift> = row
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| *n > 0)
            .filter_map(|(f, &(n, adv))| {
                let base = rate.filter(|&r| r > 0.0)?;
                let r = adv as f64 / n as f64;
                (r / base > 1.0).then(|| Lift {
                    feature: feature_name(f),
                    n,
                    advanced: adv,
                    rate: r,
                    lift: r / base,
                })
            })
            .collect();
        features.sort_by(|a, b| {
            (b.n >= MIN_SUPPORT)
                .cmp(&(a.n >= MIN_SUPPORT))
                .then(b.lift.total_cmp(&a.lift))
                .then(b.n.cmp(&a.n))
                .then_with(|| a.feature.cmp(&b.feature))
        });
        features.truncate(MAX_FEATURES);
        out.push(StageTriggers {
            stage: map.stage(path[p]).id.clone(),
            decided: decided[p],
            advanced: advanced[p],
            rate,
            features,
        });
    }
    out
}

fn ended(map: &Map, j: &Journey) -> bool {
    matches!(j.status, Status::Lost | Status::Disqualified)
        || j.current()
            .and_then(|e| e.stage)
            .and_then(|s| map.outcome(s))
            .is_some_and(|o| o != Outcome::Won)
}

/// Main-path stages before the win, ranked by how many deals dropped out there (largest
/// first), with their lost reasons; stages nobody dropped out of are left out.
pub fn friction(map: &Map, history: &History, journeys: &Journeys) -> Vec<Friction> {
    let reason_col = LOST_REASON_ATTRS.iter().find_map(|n| history.deal_attr(n));
    let (path, pos) = (&journeys.main_path.stages, &journeys.main_path.position);
    let n = path.len();
    let won_pos = journeys.main_path.won_position().unwrap_or(n);
    let mut entered = vec![0u64; n];
    let mut dropped = vec![0u64; n];
    let mut reasons: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); n];
    let mut seen = vec![false; n];
    for j in &journeys.deals {
        seen.fill(false);
        let mut furthest = None;
        for e in &j.entries {
            if let Some(p) = e.stage.and_then(|s| pos[s.index()]) {
                seen[p] = true;
                furthest = furthest.max(Some(p));
            }
        }
        for (p, s) in seen.iter().enumerate() {
            entered[p] += *s as u64;
        }
        let Some(p) = furthest.filter(|&p| p < won_pos) else {
            continue;
        };
        if !ended(map, j) {
            continue;
        }
        dropped[p] += 1;
        let reason = reason_col
            .and_then(|c| c.get(j.deal as usize))
            .unwrap_or("(none)")
            .to_string();
        *reasons[p].entry(reason).or_default() += 1;
    }
    let mut out: Vec<Friction> = (0..n)
        .filter(|&p| dropped[p] > 0 && map.outcome(path[p]).is_none())
        .map(|p| {
            let mut rs: Vec<(String, u64)> = std::mem::take(&mut reasons[p]).into_iter().collect();
            rs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Friction {
                stage: map.stage(path[p]).id.clone(),
                dropped: dropped[p],
                entered: entered[p],
                drop_rate: (entered[p] > 0).then(|| dropped[p] as f64 / entered[p] as f64),
                reasons: rs,
            }
        })
        .collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.dropped));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journey::tests::{day, history, test_map};

    #[test]
    fn a_demo_call_in_qualify_lifts_advancing() {
        // 6 deals with a demo-call touch during qualify: 5 advance. 6 without: 1 advances.
        // One deal is still open in qualify and is left out.
        let mut events = String::new();
        for i in 0..6 {
            let next = if i < 5 { "demo" } else { "lost" };
            events += &format!("t{i} lead 0; t{i} qualify 1; t{i} +demo-call 2; t{i} {next} 3; ");
        }
        for i in 0..6 {
            let next = if i < 1 { "demo" } else { "lost" };
            events += &format!("n{i} lead 0 lost_reason=price; n{i} qualify 1; n{i} {next} 3; ");
        }
        events += "o lead 0; o qualify 1; o +demo-call 2";
        let map = test_map();
        let h = history(&events);
        let js = Journeys::build(&map, &h, day(4.0));
        let ts = triggers(
            &map,
            &h,
            &js,
            &crate::attributes::comparable(&h, &js).columns,
        );
        let q = ts.iter().find(|t| t.stage == "qualify").unwrap();
        assert_eq!((q.decided, q.advanced), (12, 6));
        let got: Vec<String> = q
            .features
            .iter()
            .map(|l| {
                format!(
                    "{} n={} adv={} lift={:.2}",
                    l.feature, l.n, l.advanced, l.lift
                )
            })
            .collect();
        assert_eq!(got, ["touch: demo-call n=6 adv=5 lift=1.67"]);
        let lead = ts.iter().find(|t| t.stage == "lead").unwrap();
        assert_eq!(
            (lead.decided, lead.advanced, lead.features.len()),
            (13, 13, 0)
        );

        let fr = friction(&map, &h, &js);
        let got: Vec<String> = fr
            .iter()
            .map(|f| format!("{} {}/{} {:?}", f.stage, f.dropped, f.entered, f.reasons))
            .collect();
        assert_eq!(got, [r#"qualify 6/13 [("price", 5), ("(none)", 1)]"#]);
    }
}
