//! Process discovery: the as-is process read from a [`History`] with no map at all.
//!
//! [`discover`] computes what PM4Py computes on the same log, with the same semantics, so the
//! numbers can be checked against it: events ordered by (deal id, time, input row); every
//! consecutive pair of events in a deal is a directly-follows edge (no artificial start or
//! end); start and end activities are counted per deal; durations are in seconds, the standard
//! deviation divides by n−1 and is `None` for one observation; a deal's duration is its last
//! minus its first event, zero for a one-event deal. Variants are listed most frequent first,
//! ties by their stage sequence. Every event counts unless [`DiscoverOptions`] filters it.
//!
//! The work is one ordering ([`History::deal_order`], linear) and a pass over each deal on
//! integer codes; deals are split into contiguous groups that run on separate threads and
//! whose tallies merge exactly (integer sums; durations collected per edge in vectors sized by
//! a first counting pass, then summarized by selection), so the result does not depend on
//! the thread count. Durations are held once, per edge: the time from an activity to the next
//! event is read from the edges leaving it.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use crate::history::{History, MICROS_PER_SECOND, Micros};
use crate::stats::Summary;

/// Names of the per-event column holding the XES lifecycle transition, in order of preference.
pub const LIFECYCLE_COLUMNS: [&str; 2] = ["lifecycle:transition", "lifecycle"];

/// Which events and deals discovery looks at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiscoverOptions {
    /// Keep only events whose lifecycle transition (e.g. `complete`) is one of these, compared
    /// case-insensitively. Empty keeps every event, as PM4Py does.
    pub lifecycle: Vec<String>,
    /// Keep only events at or after this instant.
    pub from: Option<Micros>,
    /// Keep only events strictly before this instant.
    pub until: Option<Micros>,
    /// Keep only events whose activity code (in [`History::activities`]) is marked `true`; a
    /// code beyond the end is dropped. `None` keeps every activity. The as-is map uses it to
    /// leave out touches and the activities its slider hides, so the moves between the
    /// activities that stay are counted as PM4Py counts them on the filtered log.
    pub activities: Option<Vec<bool>>,
    /// Keep only the deals whose variant is one of the `k` most frequent (after the event
    /// filters above), then compute everything on those deals.
    pub top_variants: Option<usize>,
    /// Threads for the per-deal pass; 0 and 1 both mean the calling thread only.
    pub threads: usize,
}

/// Why discovery could not run with the options given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoverError {
    /// A lifecycle filter was asked for but no event carries a lifecycle transition.
    NoLifecycleColumn,
    /// The date range is empty (`from` is not before `until`).
    EmptyRange,
}

impl fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiscoverError::NoLifecycleColumn => write!(
                f,
                "the history has no lifecycle column (`lifecycle:transition`), so events cannot be \
                 filtered by lifecycle; drop the lifecycle filter or import an XES log that has one"
            ),
            DiscoverError::EmptyRange => write!(
                f,
                "the date range is empty: its start must be before its end"
            ),
        }
    }
}

impl std::error::Error for DiscoverError {}

/// The as-is process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Discovery {
    /// Deals with at least one kept event.
    pub cases: u64,
    /// Kept events.
    pub events: u64,
    /// Distinct activities among kept events.
    pub activities: u64,
    /// Events per activity, by activity name.
    pub activity_counts: BTreeMap<String, u64>,
    /// Deals per first activity.
    pub start_activities: BTreeMap<String, u64>,
    /// Deals per last activity.
    pub end_activities: BTreeMap<String, u64>,
    /// Directly-follows edges, ordered by (from, to) name.
    pub dfg: Vec<DfgEdge>,
    /// Number of distinct variants.
    pub variant_count: u64,
    /// Variants, most frequent first, ties by stage sequence; all of them (see
    /// [`DiscoverOptions::top_variants`] to keep only the most frequent).
    pub variants: Variants,
    /// Deal durations (last minus first event) in seconds; `None` when there are no deals.
    pub case_duration: Option<CaseDuration>,
    /// Deals in which the activity occurs more than once, by activity name (only those > 0).
    pub rework: BTreeMap<String, u64>,
    /// Per activity: time from its event to the deal's next event, in seconds.
    pub time_to_next: BTreeMap<String, TimeToNext>,
    /// Mean seconds between consecutive deal starts (`None` for fewer than two deals).
    pub case_arrival_mean: Option<f64>,
    /// Earliest kept event.
    #[serde(skip)]
    pub first_event: Option<Micros>,
    /// Latest kept event.
    #[serde(skip)]
    pub last_event: Option<Micros>,
}

/// One directly-follows edge with its durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DfgEdge {
    pub from: String,
    pub to: String,
    pub count: u64,
    pub mean: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
    /// Sample standard deviation (n−1); `None` for an edge seen once.
    pub stdev: Option<f64>,
}

/// Every variant of a discovery, most frequent first, ties by stage sequence. Held compactly
/// (each variant is a run of activity codes in one buffer, the names stored once), since a
/// history of a million deals can have hundreds of thousands of variants.
#[derive(Clone, Debug, Default)]
pub struct Variants {
    /// Activity names by code.
    names: Vec<String>,
    /// Every variant's activity codes, one after the other.
    codes: Vec<u32>,
    /// Where each variant's codes end in `codes`.
    ends: Vec<usize>,
    counts: Vec<u64>,
}

/// Equal when they list the same stage names with the same counts, whatever the codes.
impl PartialEq for Variants {
    fn eq(&self, other: &Variants) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Eq for Variants {}

/// A variant: the sequence of activities one or more deals took.
#[derive(Clone, Copy, Debug)]
pub struct Variant<'a> {
    codes: &'a [u32],
    names: &'a [String],
    /// Deals that took this sequence.
    pub count: u64,
}

impl Variants {
    /// Number of distinct variants.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The `i`-th most frequent variant.
    pub fn get(&self, i: usize) -> Option<Variant<'_>> {
        let count = *self.counts.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(Variant {
            codes: &self.codes[start..self.ends[i]],
            names: &self.names,
            count,
        })
    }

    /// The variants, most frequent first.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Variant<'_>> + '_ {
        (0..self.len()).map(|i| self.get(i).expect("index in range"))
    }
}

/// Equal when the stage names and the count are.
impl PartialEq for Variant<'_> {
    fn eq(&self, other: &Variant<'_>) -> bool {
        self.count == other.count && self.stages().eq(other.stages())
    }
}

impl Eq for Variant<'_> {}

impl<'a> Variant<'a> {
    /// The activities in order.
    pub fn stages(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let names = self.names;
        self.codes.iter().map(move |&c| names[c as usize].as_str())
    }

    /// Number of events in the sequence.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The activities joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.stages().collect::<Vec<_>>().join(separator)
    }
}

impl Serialize for Variant<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Stages<'b>(&'b Variant<'b>);
        impl Serialize for Stages<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.stages())
            }
        }
        let mut state = serializer.serialize_struct("Variant", 2)?;
        state.serialize_field("stages", &Stages(self))?;
        state.serialize_field("count", &self.count)?;
        state.end()
    }
}

impl Serialize for Variants {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Deal durations in seconds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CaseDuration {
    pub n: u64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
}

/// Time from an activity's event to the next event of the same deal.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimeToNext {
    /// Events of this activity followed by another event in their deal.
    pub n_with_next: u64,
    /// Events of this activity that are the last of their deal.
    pub n_last: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
}

/// Discovers the as-is process from `history`.
pub fn discover(history: &History, options: &DiscoverOptions) -> Result<Discovery, DiscoverError> {
    let unfiltered = options.lifecycle.is_empty()
        && options.from.is_none()
        && options.until.is_none()
        && options.activities.is_none();
    let runs = if unfiltered {
        history.deal_runs()
    } else {
        None
    };
    let (log, mut cases) = match runs {
        // Each deal is one time-ordered run: read the history's columns where they are.
        Some(runs) => {
            let log = SortedLog::in_place(history);
            let cases = runs
                .iter()
                .map(|&(s, e)| (s as usize, e as usize))
                .collect();
            (log, cases)
        }
        None => {
            let rows = kept_rows(history, options)?;
            let log = SortedLog::new(history, rows, options.threads);
            let cases = log.case_ranges(history);
            (log, cases)
        }
    };
    if let Some(k) = options.top_variants {
        cases = log.keep_top_variants(history, cases, k);
    }
    let tally = log.tally_parallel(history.activities.len(), &cases, options.threads);
    Ok(tally.into_discovery(history, options.threads))
}

/// Rows that pass the event filters, in PM4Py order.
fn kept_rows(history: &History, options: &DiscoverOptions) -> Result<Vec<u32>, DiscoverError> {
    if let (Some(from), Some(until)) = (options.from, options.until)
        && from >= until
    {
        return Err(DiscoverError::EmptyRange);
    }
    // Per lifecycle dictionary code: whether the value is wanted (code 0 is "missing").
    let lifecycle = if options.lifecycle.is_empty() {
        None
    } else {
        let column = LIFECYCLE_COLUMNS
            .iter()
            .find_map(|name| history.event_attr(name))
            .ok_or(DiscoverError::NoLifecycleColumn)?;
        let wanted: Vec<String> = options.lifecycle.iter().map(|s| s.to_lowercase()).collect();
        let mut keep = vec![false; column.dict.len() + 1];
        for (i, name) in column.dict.names().iter().enumerate() {
            keep[i + 1] = wanted.contains(&name.to_lowercase());
        }
        Some((column, keep))
    };
    let filtered = lifecycle.is_some()
        || options.from.is_some()
        || options.until.is_some()
        || options.activities.is_some();
    let wanted = |r: usize| {
        options.activities.as_ref().is_none_or(|keep| {
            keep.get(history.activity[r] as usize)
                .copied()
                .unwrap_or(false)
        })
    };
    let mut rows = history.deal_order();
    if filtered {
        let from = options.from.unwrap_or(Micros::MIN);
        let until = options.until.unwrap_or(Micros::MAX);
        rows.retain(|&r| {
            let r = r as usize;
            let t = history.time[r];
            let in_range = t >= from && t < until;
            in_range
                && wanted(r)
                && lifecycle.as_ref().is_none_or(|(column, keep)| {
                    keep[column.codes.get(r).copied().unwrap_or(0) as usize]
                })
        });
    }
    Ok(rows)
}

/// Activity codes and times gathered in PM4Py order, so each deal is a contiguous range;
/// borrowed from the history when it is in that order already.
struct SortedLog<'h> {
    rows: Vec<u32>,
    activity: Cow<'h, [u32]>,
    time: Cow<'h, [Micros]>,
}

type CaseRange = (usize, usize);

impl<'h> SortedLog<'h> {
    /// The history's own columns, for cases given as row ranges.
    fn in_place(history: &'h History) -> SortedLog<'h> {
        SortedLog {
            rows: Vec::new(),
            activity: Cow::Borrowed(&history.activity),
            time: Cow::Borrowed(&history.time),
        }
    }

    fn new(history: &'h History, rows: Vec<u32>, threads: usize) -> SortedLog<'h> {
        let identity =
            rows.len() == history.len() && rows.iter().enumerate().all(|(i, &r)| i == r as usize);
        if identity {
            return SortedLog {
                rows,
                activity: Cow::Borrowed(&history.activity),
                time: Cow::Borrowed(&history.time),
            };
        }
        let mut activity = vec![0u32; rows.len()];
        let mut time = vec![0 as Micros; rows.len()];
        let gather = |rows: &[u32], activity: &mut [u32], time: &mut [Micros]| {
            for (i, &r) in rows.iter().enumerate() {
                activity[i] = history.activity[r as usize];
                time[i] = history.time[r as usize];
            }
        };
        if threads > 1 && rows.len() >= 100_000 {
            let half = rows.len() / 2;
            let (rows_a, rows_b) = rows.split_at(half);
            let (activity_a, activity_b) = activity.split_at_mut(half);
            let (time_a, time_b) = time.split_at_mut(half);
            std::thread::scope(|scope| {
                scope.spawn(|| gather(rows_a, activity_a, time_a));
                gather(rows_b, activity_b, time_b);
            });
        } else {
            gather(&rows, &mut activity, &mut time);
        }
        SortedLog {
            rows,
            activity: Cow::Owned(activity),
            time: Cow::Owned(time),
        }
    }

    fn case_ranges(&self, history: &History) -> Vec<CaseRange> {
        let mut cases = Vec::new();
        let mut start = 0;
        let deal = |i: usize| history.deal[self.rows[i] as usize];
        for i in 1..=self.rows.len() {
            if i == self.rows.len() || deal(i) != deal(start) {
                cases.push((start, i));
                start = i;
            }
        }
        cases
    }

    fn keep_top_variants(
        &self,
        history: &History,
        cases: Vec<CaseRange>,
        k: usize,
    ) -> Vec<CaseRange> {
        let mut counts: FastMap<&[u32], u64> = FastMap::default();
        for &(s, e) in &cases {
            *counts.entry(&self.activity[s..e]).or_default() += 1;
        }
        let ranked = rank_variants(history, counts);
        let kept: HashSet<&[u32], FastHash> = ranked.into_iter().take(k).map(|(v, _)| v).collect();
        cases
            .into_iter()
            .filter(|&(s, e)| kept.contains(&self.activity[s..e]))
            .collect()
    }

    fn tally_parallel(
        &self,
        n_activities: usize,
        cases: &[CaseRange],
        threads: usize,
    ) -> Tally<'_> {
        let groups = split_balanced(cases, threads.max(1));
        if groups.len() <= 1 {
            let mut tally = Tally::new(n_activities);
            tally.add_cases(self, cases);
            return tally;
        }
        let tallies: Vec<Tally<'_>> = std::thread::scope(|scope| {
            let handles: Vec<_> = groups
                .iter()
                .map(|group| {
                    scope.spawn(move || {
                        let mut tally = Tally::new(n_activities);
                        tally.add_cases(self, group);
                        tally
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("discovery worker panicked"))
                .collect()
        });
        let mut tallies = tallies.into_iter();
        let mut total = tallies.next().expect("at least two groups");
        for t in tallies {
            total.merge(t);
        }
        total
    }
}

/// Summaries of every list of durations (none empty), the lists split between two threads
/// by size when there are enough durations to be worth it.
fn summarize_in_parallel<V: AsMut<[Micros]> + Send>(
    lists: &mut [V],
    threads: usize,
) -> Vec<Summary> {
    let summarize = |lists: &mut [V]| -> Vec<Summary> {
        lists
            .iter_mut()
            .map(|d| Summary::of_micros(d.as_mut()).expect("a list has durations"))
            .collect()
    };
    let total: usize = lists.iter_mut().map(|d| d.as_mut().len()).sum();
    if threads <= 1 || total < 100_000 || lists.len() < 2 {
        return summarize(lists);
    }
    let mut cut = lists.len() - 1;
    let mut acc = 0;
    for (i, d) in lists.iter_mut().enumerate() {
        acc += d.as_mut().len();
        if acc * 2 >= total {
            cut = (i + 1).min(lists.len() - 1);
            break;
        }
    }
    let (left, right) = lists.split_at_mut(cut);
    std::thread::scope(|scope| {
        let first = scope.spawn(|| summarize(left));
        let second = summarize(right);
        let mut all = first.join().expect("a summary thread panicked");
        all.extend(second);
        all
    })
}

/// Splits deals into at most `parts` contiguous groups of about equal event counts.
fn split_balanced(cases: &[CaseRange], parts: usize) -> Vec<&[CaseRange]> {
    let events: usize = cases.iter().map(|(s, e)| e - s).sum();
    if parts <= 1 || events < 10_000 {
        return vec![cases];
    }
    let per_part = events.div_ceil(parts);
    let mut groups = Vec::with_capacity(parts);
    let (mut start, mut acc) = (0, 0);
    for (i, (s, e)) in cases.iter().enumerate() {
        acc += e - s;
        if acc >= per_part {
            groups.push(&cases[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    if start < cases.len() {
        groups.push(&cases[start..]);
    }
    groups
}

/// Variants ranked most frequent first, ties by activity names (compared through each code's
/// rank in name order, which orders sequences exactly as comparing the names would).
///
/// Each variant gets a sort key of its count and as many leading name ranks as fit in 128
/// bits (rank + 1 per slot, 0 past the end, so a prefix sorts before its extensions); the
/// sequences themselves are compared only where two keys are equal.
fn rank_variants<'a>(history: &History, counts: FastMap<&'a [u32], u64>) -> Vec<(&'a [u32], u64)> {
    let rank = name_ranks(history);
    let entries: Vec<(&[u32], u64)> = counts.into_iter().collect();
    let bits = (u32::BITS - (rank.len() as u32).leading_zeros()).max(1);
    let slots = (128 / bits) as usize;
    let mut keyed: Vec<(u64, u128, u32)> = entries
        .iter()
        .enumerate()
        .map(|(i, (v, count))| {
            let mut key = 0u128;
            for k in 0..slots {
                let code = v.get(k).map_or(0, |&c| rank[c as usize] as u128 + 1);
                key = (key << bits) | code;
            }
            (u64::MAX - count, key, i as u32)
        })
        .collect();
    let ranks_of = |i: u32| entries[i as usize].0.iter().map(|&c| rank[c as usize]);
    keyed.sort_unstable_by(|x, y| {
        (x.0, x.1)
            .cmp(&(y.0, y.1))
            .then_with(|| ranks_of(x.2).cmp(ranks_of(y.2)))
    });
    keyed
        .into_iter()
        .map(|(_, _, i)| entries[i as usize])
        .collect()
}

/// Each activity code's position among all activity names sorted as strings.
fn name_ranks(history: &History) -> Vec<u32> {
    let names = history.activities.names();
    let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
    by_name.sort_unstable_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
    let mut rank = vec![0; names.len()];
    for (r, &code) in by_name.iter().enumerate() {
        rank[code as usize] = r as u32;
    }
    rank
}

/// The multiply-rotate hash rustc uses for integer keys: far cheaper than SipHash on the
/// activity-code sequences and edge pairs hashed per deal. Inputs come from one history in a
/// batch run, so flooding resistance buys nothing here.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FastHash = BuildHasherDefault<FxHasher>;
pub(crate) type FastMap<K, V> = HashMap<K, V, FastHash>;

/// Directly-follows edge slots: a dense table for the usual few dozen activities, a hash map
/// beyond that.
enum EdgeSlots {
    Dense { n: usize, slot: Vec<u32> },
    Sparse(FastMap<(u32, u32), u32>),
}

const DENSE_EDGE_LIMIT: usize = 1024;

impl EdgeSlots {
    fn new(n_activities: usize) -> EdgeSlots {
        if n_activities <= DENSE_EDGE_LIMIT {
            EdgeSlots::Dense {
                n: n_activities,
                slot: vec![u32::MAX; n_activities * n_activities],
            }
        } else {
            EdgeSlots::Sparse(FastMap::default())
        }
    }

    /// The slot of edge `a → b`, allocating `next` when it is new.
    fn slot(&mut self, a: u32, b: u32, next: u32) -> (u32, bool) {
        match self {
            EdgeSlots::Dense { n, slot } => {
                let cell = &mut slot[a as usize * *n + b as usize];
                if *cell == u32::MAX {
                    *cell = next;
                    (next, true)
                } else {
                    (*cell, false)
                }
            }
            EdgeSlots::Sparse(map) => {
                let mut fresh = false;
                let s = *map.entry((a, b)).or_insert_with(|| {
                    fresh = true;
                    next
                });
                (s, fresh)
            }
        }
    }
}

/// Mergeable counts and durations for a group of deals.
struct Tally<'a> {
    activity: Vec<u64>,
    start: Vec<u64>,
    end: Vec<u64>,
    rework: Vec<u64>,
    edge_slots: EdgeSlots,
    edges: Vec<(u32, u32)>,
    /// Per edge slot: the durations of this group's deals, in a vector of the exact size.
    edge_durations: Vec<Vec<Micros>>,
    /// Durations of other groups' edges that this tally already had (slot, durations):
    /// kept apart at a merge rather than copied, and joined one edge at a time at the end.
    merged_durations: Vec<(u32, Vec<Micros>)>,
    last: Vec<u64>,
    case_durations: Vec<Micros>,
    variants: FastMap<&'a [u32], u64>,
    case_start_min: Micros,
    case_start_max: Micros,
    first_event: Micros,
    last_event: Micros,
    // Scratch for rework: the case stamp at which an activity was last seen / counted.
    seen: Vec<u32>,
    reworked: Vec<u32>,
    stamp: u32,
}

impl<'a> Tally<'a> {
    fn new(n: usize) -> Tally<'a> {
        Tally {
            activity: vec![0; n],
            start: vec![0; n],
            end: vec![0; n],
            rework: vec![0; n],
            edge_slots: EdgeSlots::new(n),
            edges: Vec::new(),
            edge_durations: Vec::new(),
            merged_durations: Vec::new(),
            last: vec![0; n],
            case_durations: Vec::new(),
            variants: FastMap::default(),
            case_start_min: Micros::MAX,
            case_start_max: Micros::MIN,
            first_event: Micros::MAX,
            last_event: Micros::MIN,
            seen: vec![0; n],
            reworked: vec![0; n],
            stamp: 0,
        }
    }

    fn add_cases(&mut self, log: &'a SortedLog<'_>, cases: &[CaseRange]) {
        // First pass: the edges and how often each occurs, so that every edge's durations
        // go into a vector of the right size (no growth, no spare capacity).
        let mut counts: Vec<usize> = Vec::new();
        for &(s, e) in cases {
            for w in log.activity[s..e].windows(2) {
                let (slot, fresh) = self.edge_slots.slot(w[0], w[1], self.edges.len() as u32);
                if fresh {
                    self.edges.push((w[0], w[1]));
                    counts.push(0);
                }
                counts[slot as usize] += 1;
            }
        }
        self.edge_durations = counts.into_iter().map(Vec::with_capacity).collect();
        self.case_durations.reserve_exact(cases.len());
        for &(s, e) in cases {
            self.add_case(&log.activity[s..e], &log.time[s..e]);
        }
    }

    fn add_case(&mut self, acts: &'a [u32], times: &[Micros]) {
        let n = acts.len();
        self.stamp += 1;
        let stamp = self.stamp;
        self.start[acts[0] as usize] += 1;
        self.end[acts[n - 1] as usize] += 1;
        self.last[acts[n - 1] as usize] += 1;
        self.case_durations.push(times[n - 1] - times[0]);
        self.case_start_min = self.case_start_min.min(times[0]);
        self.case_start_max = self.case_start_max.max(times[0]);
        for (i, &a) in acts.iter().enumerate() {
            let ai = a as usize;
            self.activity[ai] += 1;
            self.first_event = self.first_event.min(times[i]);
            self.last_event = self.last_event.max(times[i]);
            if self.seen[ai] == stamp {
                if self.reworked[ai] != stamp {
                    self.reworked[ai] = stamp;
                    self.rework[ai] += 1;
                }
            } else {
                self.seen[ai] = stamp;
            }
            if i + 1 < n {
                let (slot, _) = self.edge_slots.slot(a, acts[i + 1], u32::MAX);
                self.edge_durations[slot as usize].push(times[i + 1] - times[i]);
            }
        }
        *self.variants.entry(acts).or_default() += 1;
    }

    fn merge(&mut self, other: Tally<'a>) {
        let add = |a: &mut Vec<u64>, b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.activity, &other.activity);
        add(&mut self.start, &other.start);
        add(&mut self.end, &other.end);
        add(&mut self.rework, &other.rework);
        add(&mut self.last, &other.last);
        let mut theirs: Vec<((u32, u32), Vec<Micros>)> = other
            .edges
            .iter()
            .copied()
            .zip(other.edge_durations)
            .collect();
        for (slot, durations) in other.merged_durations {
            theirs.push((other.edges[slot as usize], durations));
        }
        for ((a, b), durations) in theirs {
            let (slot, fresh) = self.edge_slots.slot(a, b, self.edges.len() as u32);
            if fresh {
                self.edges.push((a, b));
                self.edge_durations.push(durations);
            } else {
                self.merged_durations.push((slot, durations));
            }
        }
        self.case_durations.extend(other.case_durations);
        for (v, c) in other.variants {
            *self.variants.entry(v).or_default() += c;
        }
        self.case_start_min = self.case_start_min.min(other.case_start_min);
        self.case_start_max = self.case_start_max.max(other.case_start_max);
        self.first_event = self.first_event.min(other.first_event);
        self.last_event = self.last_event.max(other.last_event);
    }

    /// Joins the durations kept apart at merges into each edge's own vector.
    fn join_durations(&mut self) {
        for (slot, durations) in std::mem::take(&mut self.merged_durations) {
            self.edge_durations[slot as usize].extend(durations);
        }
    }

    fn into_discovery(mut self, history: &History, threads: usize) -> Discovery {
        self.join_durations();
        let name = |code: usize| history.activities.name(code as u32).to_string();
        let named = |counts: &[u64]| -> BTreeMap<String, u64> {
            counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(i, &c)| (name(i), c))
                .collect()
        };
        let summaries = summarize_in_parallel(&mut self.edge_durations, threads);
        let mut dfg: Vec<DfgEdge> = self
            .edges
            .iter()
            .zip(summaries)
            .map(|(&(a, b), s)| DfgEdge {
                from: name(a as usize),
                to: name(b as usize),
                count: s.n,
                mean: s.mean,
                median: s.median,
                min: s.min,
                max: s.max,
                sum: s.sum,
                stdev: s.stdev,
            })
            .collect();
        dfg.sort_by(|x, y| (&x.from, &x.to).cmp(&(&y.from, &y.to)));

        // Time to the next event: the durations of the edges leaving each activity.
        let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); self.activity.len()];
        for (slot, &(a, _)) in self.edges.iter().enumerate() {
            leaving[a as usize].push(slot);
        }
        let mut leaving_durations: Vec<Vec<Micros>> = leaving
            .iter()
            .map(|slots| match slots.as_slice() {
                [one] => std::mem::take(&mut self.edge_durations[*one]),
                many => {
                    let total = many.iter().map(|&e| self.edge_durations[e].len()).sum();
                    let mut all: Vec<Micros> = Vec::with_capacity(total);
                    for &e in many {
                        all.extend_from_slice(&self.edge_durations[e]);
                    }
                    all
                }
            })
            .collect();
        let to_next: Vec<Option<Summary>> = {
            let mut present: Vec<&mut Vec<Micros>> = leaving_durations
                .iter_mut()
                .filter(|d| !d.is_empty())
                .collect();
            let mut summaries = summarize_in_parallel(&mut present, threads).into_iter();
            leaving_durations
                .iter()
                .map(|d| (!d.is_empty()).then(|| summaries.next().expect("one per list")))
                .collect()
        };
        drop(std::mem::take(&mut self.edge_durations));

        let cases = self.case_durations.len() as u64;
        let case_duration = Summary::of_micros(&mut self.case_durations).map(|s| CaseDuration {
            n: s.n,
            min: s.min,
            max: s.max,
            mean: s.mean,
            median: s.median,
        });
        let time_to_next = self
            .activity
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c > 0)
            .map(|(i, _)| {
                let s = &to_next[i];
                let entry = TimeToNext {
                    n_with_next: s.as_ref().map_or(0, |s| s.n),
                    n_last: self.last[i],
                    mean: s.as_ref().map(|s| s.mean),
                    median: s.as_ref().map(|s| s.median),
                };
                (name(i), entry)
            })
            .collect();
        let ranked = rank_variants(history, self.variants);
        let mut variants = Variants {
            names: history.activities.names().to_vec(),
            codes: Vec::with_capacity(ranked.iter().map(|(v, _)| v.len()).sum()),
            ends: Vec::with_capacity(ranked.len()),
            counts: Vec::with_capacity(ranked.len()),
        };
        for (v, count) in ranked {
            variants.codes.extend_from_slice(v);
            variants.ends.push(variants.codes.len());
            variants.counts.push(count);
        }
        let activity_counts = named(&self.activity);
        Discovery {
            cases,
            events: self.activity.iter().sum(),
            activities: activity_counts.len() as u64,
            activity_counts,
            start_activities: named(&self.start),
            end_activities: named(&self.end),
            dfg,
            variant_count: variants.len() as u64,
            variants,
            case_duration,
            rework: named(&self.rework),
            time_to_next,
            case_arrival_mean: (cases > 1).then(|| {
                (self.case_start_max - self.case_start_min) as f64
                    / MICROS_PER_SECOND as f64
                    / (cases - 1) as f64
            }),
            first_event: (cases > 0).then_some(self.first_event),
            last_event: (cases > 0).then_some(self.last_event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::EventKind;

    /// Builds a history from `deal activity seconds` triples separated by `;`.
    fn history(events: &str) -> History {
        let mut h = History::default();
        for event in events.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let parts: Vec<&str> = event.split_whitespace().collect();
            let secs: i64 = parts[2].parse().unwrap();
            let row = h.push(
                parts[0],
                parts[1],
                secs * MICROS_PER_SECOND,
                EventKind::StageEntry,
            );
            if let Some(lc) = parts.get(3) {
                h.set_event_attr(row, "lifecycle:transition", lc);
            }
        }
        h
    }

    /// Renders a discovery the way a reader checks it by hand: one line per figure.
    fn render(d: &Discovery) -> String {
        let counts = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{k}:{v}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = format!(
            "cases={} events={} activities={} [{}]\nstart [{}] end [{}]\n",
            d.cases,
            d.events,
            d.activities,
            counts(&d.activity_counts),
            counts(&d.start_activities),
            counts(&d.end_activities)
        );
        for e in &d.dfg {
            out += &format!(
                "{}>{} n={} mean={} median={} min={} max={} sum={} sd={}\n",
                e.from,
                e.to,
                e.count,
                e.mean,
                e.median,
                e.min,
                e.max,
                e.sum,
                e.stdev.map_or("-".into(), |s| format!("{s:.3}"))
            );
        }
        for v in d.variants.iter() {
            out += &format!("variant {} x{}\n", v.join(","), v.count);
        }
        if let Some(c) = &d.case_duration {
            out += &format!(
                "duration n={} min={} max={} mean={} median={}\n",
                c.n, c.min, c.max, c.mean, c.median
            );
        }
        out += &format!("rework [{}]", counts(&d.rework));
        out
    }

    fn check(events: &str, options: DiscoverOptions, expect: expect_test::Expect) {
        let d = discover(&history(events), &options).unwrap();
        expect.assert_eq(&render(&d));
    }

    use expect_test::expect;

    #[test]
    fn one_deal_one_event_has_zero_duration_and_no_edges() {
        check(
            "d1 lead 5",
            DiscoverOptions::default(),
            expect![[r#"
                cases=1 events=1 activities=1 [lead:1]
                start [lead:1] end [lead:1]
                variant lead x1
                duration n=1 min=0 max=0 mean=0 median=0
                rework []"#]],
        );
    }

    #[test]
    fn edges_count_every_consecutive_pair_and_time_orders_events() {
        // d2's events arrive out of order; d1 repeats `demo` (rework) and loops back.
        check(
            "d2 won 40; d1 lead 0; d1 demo 10; d2 lead 0; d1 demo 30; d1 won 60; d2 demo 20",
            DiscoverOptions::default(),
            expect![[r#"
                cases=2 events=7 activities=3 [demo:3 lead:2 won:2]
                start [lead:2] end [won:2]
                demo>demo n=1 mean=20 median=20 min=20 max=20 sum=20 sd=-
                demo>won n=2 mean=25 median=25 min=20 max=30 sum=50 sd=7.071
                lead>demo n=2 mean=15 median=15 min=10 max=20 sum=30 sd=7.071
                variant lead,demo,demo,won x1
                variant lead,demo,won x1
                duration n=2 min=40 max=60 mean=50 median=50
                rework [demo:1]"#]],
        );
    }

    #[test]
    fn equal_times_keep_input_order_and_deals_sort_by_id_string() {
        // "10" sorts before "9" as a string, as PM4Py compares case ids.
        check(
            "9 b 0; 9 a 0; 10 a 0; 10 b 0",
            DiscoverOptions::default(),
            expect![[r#"
                cases=2 events=4 activities=2 [a:2 b:2]
                start [a:1 b:1] end [a:1 b:1]
                a>b n=1 mean=0 median=0 min=0 max=0 sum=0 sd=-
                b>a n=1 mean=0 median=0 min=0 max=0 sum=0 sd=-
                variant a,b x1
                variant b,a x1
                duration n=2 min=0 max=0 mean=0 median=0
                rework []"#]],
        );
    }

    #[test]
    fn variants_rank_by_count_then_sequence() {
        check(
            "a x 0; a y 1; b x 0; b y 1; c x 0; d x 0; d z 1",
            DiscoverOptions::default(),
            expect![[r#"
                cases=4 events=7 activities=3 [x:4 y:2 z:1]
                start [x:4] end [x:1 y:2 z:1]
                x>y n=2 mean=1 median=1 min=1 max=1 sum=2 sd=0.000
                x>z n=1 mean=1 median=1 min=1 max=1 sum=1 sd=-
                variant x,y x2
                variant x x1
                variant x,z x1
                duration n=4 min=0 max=1 mean=0.75 median=1
                rework []"#]],
        );
    }

    #[test]
    fn top_variants_keeps_only_deals_of_the_most_frequent() {
        check(
            "a x 0; a y 1; b x 0; b y 3; c x 0; d x 0; d z 1",
            DiscoverOptions {
                top_variants: Some(1),
                ..Default::default()
            },
            expect![[r#"
                cases=2 events=4 activities=2 [x:2 y:2]
                start [x:2] end [y:2]
                x>y n=2 mean=2 median=2 min=1 max=3 sum=4 sd=1.414
                variant x,y x2
                duration n=2 min=1 max=3 mean=2 median=2
                rework []"#]],
        );
    }

    #[test]
    fn date_range_keeps_events_in_half_open_interval() {
        check(
            "a x 0; a y 10; a z 20; b x 5",
            DiscoverOptions {
                from: Some(5 * MICROS_PER_SECOND),
                until: Some(20 * MICROS_PER_SECOND),
                ..Default::default()
            },
            expect![[r#"
                cases=2 events=2 activities=2 [x:1 y:1]
                start [x:1 y:1] end [x:1 y:1]
                variant x x1
                variant y x1
                duration n=2 min=0 max=0 mean=0 median=0
                rework []"#]],
        );
    }

    #[test]
    fn activity_filter_counts_moves_between_the_activities_kept() {
        // y is left out: x → y → z becomes x → z, measured from x to z.
        check(
            "a x 0; a y 10; a z 20; b y 5",
            DiscoverOptions {
                activities: Some(vec![true, false, true]),
                ..Default::default()
            },
            expect![[r#"
                cases=1 events=2 activities=2 [x:1 z:1]
                start [x:1] end [z:1]
                x>z n=1 mean=20 median=20 min=20 max=20 sum=20 sd=-
                variant x,z x1
                duration n=1 min=20 max=20 mean=20 median=20
                rework []"#]],
        );
    }

    #[test]
    fn lifecycle_filter_is_case_insensitive() {
        check(
            "a x 0 start; a x 5 COMPLETE; a y 9 complete",
            DiscoverOptions {
                lifecycle: vec!["Complete".into()],
                ..Default::default()
            },
            expect![[r#"
                cases=1 events=2 activities=2 [x:1 y:1]
                start [x:1] end [y:1]
                x>y n=1 mean=4 median=4 min=4 max=4 sum=4 sd=-
                variant x,y x1
                duration n=1 min=4 max=4 mean=4 median=4
                rework []"#]],
        );
    }

    #[test]
    fn bad_options_are_errors_not_empty_results() {
        let h = history("a x 0");
        let lifecycle = DiscoverOptions {
            lifecycle: vec!["complete".into()],
            ..Default::default()
        };
        assert_eq!(
            discover(&h, &lifecycle),
            Err(DiscoverError::NoLifecycleColumn)
        );
        let range = DiscoverOptions {
            from: Some(5),
            until: Some(5),
            ..Default::default()
        };
        assert_eq!(discover(&h, &range), Err(DiscoverError::EmptyRange));
    }

    #[test]
    fn empty_history() {
        let d = discover(&History::default(), &DiscoverOptions::default()).unwrap();
        assert_eq!(
            (d.cases, d.events, d.case_duration, d.case_arrival_mean),
            (0, 0, None, None)
        );
    }

    #[test]
    fn time_to_next_and_arrival() {
        let d = discover(
            &history("a x 0; a y 10; b x 30; b x 40"),
            &DiscoverOptions::default(),
        )
        .unwrap();
        let x = &d.time_to_next["x"];
        assert_eq!(
            (x.n_with_next, x.n_last, x.mean, x.median),
            (2, 1, Some(10.0), Some(10.0))
        );
        assert_eq!(d.case_arrival_mean, Some(30.0));
        assert_eq!(
            (d.first_event, d.last_event),
            (Some(0), Some(40 * MICROS_PER_SECOND))
        );
    }

    #[test]
    fn threads_do_not_change_the_result() {
        // Enough events to split across workers.
        let mut h = History::default();
        for deal in 0..3000 {
            for (i, act) in ["lead", "demo", "proposal", "won"].iter().enumerate() {
                if (deal + i) % 7 == 0 && i > 0 {
                    continue;
                }
                let t = (deal as i64 * 13 + i as i64 * (deal as i64 % 11 + 1)) * MICROS_PER_SECOND;
                h.push(&format!("d{deal}"), act, t, EventKind::StageEntry);
            }
        }
        let one = discover(&h, &DiscoverOptions::default()).unwrap();
        let two = discover(
            &h,
            &DiscoverOptions {
                threads: 2,
                ..Default::default()
            },
        )
        .unwrap();
        let three = discover(
            &h,
            &DiscoverOptions {
                threads: 3,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(h.len() > 10_000);
        assert_eq!(one, two);
        assert_eq!(one, three);
    }
}
