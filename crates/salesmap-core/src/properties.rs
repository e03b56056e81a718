//! Property tests of the analyses on random histories against the test map: rates stay within
//! 0..=1, the implied funnel never grows downwards, funnel counts add up, durations are never
//! negative, and results do not depend on the order of input rows (events of a deal have
//! distinct times here, so no tie-breaking by row is involved).

use proptest::prelude::*;

use crate::analysis::{AnalyzeOptions, analyze};
use crate::discovery::{DiscoverOptions, discover};
use crate::history::{EventKind, History};
use crate::journey::tests::test_map;

const MICROS_PER_HOUR: i64 = 3_600_000_000;

/// Stage and touch names a random history draws from (one unknown stage, one sub-stage).
const NAMES: [&str; 14] = [
    "lead",
    "qualify",
    "demo",
    "proposal",
    "won",
    "onboard",
    "nurture",
    "lost",
    "disqualified",
    "churned",
    "demo-call",
    "Pricing",
    "+call",
    "+email",
];

/// A deal: (name index, hours since the previous event) pairs.
fn deals() -> impl Strategy<Value = Vec<Vec<(usize, u16)>>> {
    prop::collection::vec(
        prop::collection::vec((0..NAMES.len(), 1u16..500), 1..12),
        1..25,
    )
}

fn build(deals: &[Vec<(usize, u16)>], order: &[usize]) -> History {
    // Rows in the order given by `order` over the flattened events.
    let mut events = Vec::new();
    for (d, events_of_deal) in deals.iter().enumerate() {
        let mut t = 0i64;
        for &(name, hours) in events_of_deal {
            t += hours as i64 * MICROS_PER_HOUR;
            events.push((format!("d{d}"), NAMES[name], t));
        }
    }
    let mut h = History::default();
    for &i in order.iter().filter(|&&i| i < events.len()) {
        let (deal, name, t) = &events[i];
        let (kind, name) = match name.strip_prefix('+') {
            Some(touch) => (EventKind::Touch, touch),
            None => (EventKind::StageEntry, *name),
        };
        let row = h.push(deal, name, *t, kind);
        h.set_event_attr(row, "owner", if i % 3 == 0 { "kim" } else { "lee" });
        h.set_deal_attr(deal, "amount", &format!("{}", 100 * (i % 7)));
    }
    h
}

fn identity(n: usize) -> Vec<usize> {
    (0..n).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rates_are_fractions_counts_add_up_durations_are_positive(deals in deals()) {
        let map = test_map();
        let n: usize = deals.iter().map(Vec::len).sum();
        let h = build(&deals, &identity(n));
        let a = analyze(&map, &h, &AnalyzeOptions::as_of(10_000 * MICROS_PER_HOUR)).unwrap();
        let fraction = |v: Option<f64>| v.is_none_or(|v| (0.0..=1.0).contains(&v));
        for f in [&a.funnel_strict, &a.funnel_implied] {
            for s in &f.stages {
                prop_assert!(fraction(s.conversion) && fraction(s.cumulative), "{s:?}");
                prop_assert_eq!(s.reached, s.converted + s.dropped + s.open + s.skipped);
                prop_assert!(s.stale <= s.open_now);
            }
            for w in f.stages.windows(2) {
                prop_assert!(w[1].reached >= w[0].converted, "converted deals reach the next stage");
            }
        }
        for w in a.funnel_implied.stages.windows(2) {
            prop_assert!(w[1].reached <= w[0].reached, "implied funnel grows: {w:?}");
        }
        prop_assert!(fraction(a.win_rate.by_count) && fraction(a.win_rate.by_value));
        prop_assert!(fraction(a.churn.churn_rate) && fraction(a.conformance.fit_share));
        for t in &a.stage_times {
            prop_assert!(t.days.as_ref().is_none_or(|d| d.min >= 0.0));
        }
        prop_assert!(a.cycle.days.as_ref().is_none_or(|d| d.min >= 0.0));
        prop_assert!(a.first_response.as_ref().and_then(|f| f.hours.as_ref()).is_none_or(|d| d.min >= 0.0));
        prop_assert!(a.handoffs.hours.as_ref().is_none_or(|d| d.min >= 0.0));
        for t in &a.triggers {
            prop_assert!(fraction(t.rate));
            prop_assert!(t.features.iter().all(|l| l.advanced <= l.n && l.lift > 1.0));
        }
        for s in &a.forecast.stages {
            prop_assert!(fraction(s.measured));
        }
    }

    #[test]
    fn input_row_order_does_not_matter(deals in deals(), seed in any::<u64>()) {
        let map = test_map();
        let n: usize = deals.iter().map(Vec::len).sum();
        let mut order = identity(n);
        // A seeded Fisher-Yates shuffle.
        let mut state = seed | 1;
        for i in (1..n).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = build(&deals, &identity(n));
        let b = build(&deals, &order);
        prop_assert_eq!(
            discover(&a, &DiscoverOptions::default()).unwrap(),
            discover(&b, &DiscoverOptions::default()).unwrap()
        );
        // Attributes are set per row, so compare analyses on histories without them.
        let strip = |mut h: History| {
            h.event_attrs.clear();
            h.deal_attrs.clear();
            h
        };
        let (a, b) = (strip(a), strip(b));
        let options = AnalyzeOptions::as_of(10_000 * MICROS_PER_HOUR);
        prop_assert_eq!(analyze(&map, &a, &options).unwrap(), analyze(&map, &b, &options).unwrap());
    }
}
