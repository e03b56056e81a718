//! [`History`]: the event log of stage entries and touches, in a compact columnar form.
//!
//! Deal ids and activity names are interned ([`Interner`]), timestamps are integer microseconds
//! since the Unix epoch in UTC, and each event is a row across parallel columns. Events are
//! kept in input order; analyses that need per-deal order call [`History::deal_order`], which
//! sorts by (deal, timestamp, input row), the PM4Py ordering (ties keep input order).
//! Attributes are string columns, per event (owner, lifecycle, channel) or per deal (amount,
//! source, segment, lost reason), with an interned dictionary each.

/// Microseconds since 1970-01-01T00:00:00Z.
pub type Micros = i64;

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// A string interner: each distinct string gets a dense `u32` code in order of first sight.
///
/// Each name is stored once; the lookup index is an open-addressing table of (hash, code)
/// words with linear probing, so a lookup of a known name compares one string and allocates
/// nothing. Histories hold hundreds of thousands of deal ids: SipHash and a second copy of
/// every id as a map key cost more than the rest of an import.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    names: Vec<String>,
    /// Per code: the name's hash, so that growing the index never reads the names again.
    hashes: Vec<u32>,
    /// `hash << 32 | (code + 1)`, 0 for an empty slot; the length is a power of two, at least
    /// twice the number of names.
    slots: Vec<u64>,
}

impl PartialEq for Interner {
    fn eq(&self, other: &Interner) -> bool {
        self.names == other.names
    }
}

impl Eq for Interner {}

impl Interner {
    pub fn intern(&mut self, name: &str) -> u32 {
        let hash = hash_bytes(name.as_bytes());
        match self.find(name.as_bytes(), hash) {
            Ok(code) => code,
            Err(slot) => self.insert(slot, hash, name.to_string()),
        }
    }

    /// The code of `bytes`, adding them when new; fails (adding nothing) when new bytes are
    /// not UTF-8. Importers intern raw field bytes: known values are never validated again.
    pub fn intern_utf8(&mut self, bytes: &[u8]) -> Result<u32, std::str::Utf8Error> {
        let hash = hash_bytes(bytes);
        match self.find(bytes, hash) {
            Ok(code) => Ok(code),
            Err(slot) => {
                let name = std::str::from_utf8(bytes)?;
                Ok(self.insert(slot, hash, name.to_string()))
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<u32> {
        self.find(name.as_bytes(), hash_bytes(name.as_bytes())).ok()
    }

    pub fn name(&self, code: u32) -> &str {
        &self.names[code as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The code of `bytes`, or the empty slot where it would go.
    fn find(&self, bytes: &[u8], hash: u32) -> Result<u32, usize> {
        if self.slots.is_empty() {
            return Err(usize::MAX);
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return Err(i);
            }
            if (slot >> 32) as u32 == hash {
                let code = (slot as u32) - 1;
                if self.names[code as usize].as_bytes() == bytes {
                    return Ok(code);
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, slot: usize, hash: u32, name: String) -> u32 {
        let code = self.names.len() as u32;
        self.names.push(name);
        self.hashes.push(hash);
        if self.names.len() * 2 > self.slots.len() {
            self.grow(self.names.len());
        } else {
            self.slots[slot] = (hash as u64) << 32 | (code as u64 + 1);
        }
        code
    }

    /// Takes in every name of `other`, in `other`'s order, and returns each one's code here
    /// (indexed by its code in `other`). New names are moved, not copied, and their hashes
    /// reused: this is how names interned on several threads become one interner.
    pub fn absorb(&mut self, other: Interner) -> Vec<u32> {
        let mut codes = Vec::with_capacity(other.names.len());
        self.reserve(other.names.len());
        for (name, hash) in other.names.into_iter().zip(other.hashes) {
            let code = match self.find(name.as_bytes(), hash) {
                Ok(code) => code,
                Err(slot) => self.insert(slot, hash, name),
            };
            codes.push(code);
        }
        codes
    }

    /// Makes room for `additional` more names without growing the index on the way.
    pub fn reserve(&mut self, additional: usize) {
        let wanted = self.names.len() + additional;
        self.names.reserve(additional);
        self.hashes.reserve(additional);
        if wanted * 2 > self.slots.len() {
            self.grow(wanted);
        }
    }

    /// Rebuilds the index with room for `names` names.
    fn grow(&mut self, names: usize) {
        let len = (names * 4).next_power_of_two().max(16);
        let mut slots = vec![0u64; len];
        let mask = len - 1;
        for (code, &hash) in self.hashes.iter().enumerate() {
            let mut i = hash as usize & mask;
            while slots[i] != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (hash as u64) << 32 | (code as u64 + 1);
        }
        self.slots = slots;
    }
}

/// A multiply-rotate hash over 8-byte words (FxHash's step) with splitmix64's finalizer, so
/// ids that differ only in their last characters still spread over the table's low bits.
fn hash_bytes(bytes: &[u8]) -> u32 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (h ^ (h >> 31)) as u32
}

/// Whether an event is a stage entry or a touch (a sales activity that is not a stage change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    StageEntry,
    Touch,
}

/// A string-valued attribute column. Code 0 means "missing"; code `k > 0` is `dict.name(k - 1)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub dict: Interner,
    pub codes: Vec<u32>,
}

impl Column {
    pub fn new(name: &str) -> Column {
        Column {
            name: name.to_string(),
            ..Column::default()
        }
    }

    /// Sets the value at `row`, growing the column with missing values as needed.
    pub fn set(&mut self, row: usize, value: &str) {
        if self.codes.len() <= row {
            self.codes.resize(row + 1, 0);
        }
        self.codes[row] = self.dict.intern(value) + 1;
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        match self.codes.get(row).copied().unwrap_or(0) {
            0 => None,
            code => Some(self.dict.name(code - 1)),
        }
    }
}

/// The event log.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// Deal ids, interned.
    pub deals: Interner,
    /// Activity names: stage names (or map stage ids once mapped) and touch types.
    pub activities: Interner,
    /// Per event: deal code.
    pub deal: Vec<u32>,
    /// Per event: activity code.
    pub activity: Vec<u32>,
    /// Per event: UTC microseconds.
    pub time: Vec<Micros>,
    /// Per event: stage entry or touch.
    pub kind: Vec<EventKind>,
    /// Per-event attribute columns (indexed by event row), in order of first sight.
    pub event_attrs: Vec<Column>,
    /// Per-deal attribute columns (indexed by deal code), in order of first sight.
    pub deal_attrs: Vec<Column>,
}

impl History {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Appends an event and returns its row.
    pub fn push(&mut self, deal: &str, activity: &str, time: Micros, kind: EventKind) -> usize {
        let d = self.deals.intern(deal);
        let a = self.activities.intern(activity);
        self.deal.push(d);
        self.activity.push(a);
        self.time.push(time);
        self.kind.push(kind);
        self.time.len() - 1
    }

    /// Sets a per-event attribute.
    pub fn set_event_attr(&mut self, row: usize, name: &str, value: &str) {
        let col = column_mut(&mut self.event_attrs, name);
        col.set(row, value);
    }

    /// Sets a per-deal attribute.
    pub fn set_deal_attr(&mut self, deal: &str, name: &str, value: &str) {
        let d = self.deals.intern(deal) as usize;
        let col = column_mut(&mut self.deal_attrs, name);
        col.set(d, value);
    }

    pub fn event_attr(&self, name: &str) -> Option<&Column> {
        self.event_attrs.iter().find(|c| c.name == name)
    }

    pub fn deal_attr(&self, name: &str) -> Option<&Column> {
        self.deal_attrs.iter().find(|c| c.name == name)
    }

    /// Event rows ordered by (deal id as a string, timestamp, input row): PM4Py's ordering.
    ///
    /// Deals are ranked by their id once; rows are then placed by a counting sort on the
    /// deal's rank (stable, so each deal's rows keep input order) and each deal's rows are
    /// sorted by time only when they are not in time order already. Linear in the events
    /// plus one sort of the deal ids, against a sort of every event.
    pub fn deal_order(&self) -> Vec<u32> {
        let rank = self.deal_ranks();
        let n = self.len();
        let rows_in_order = (1..n).all(|r| {
            let (a, b) = (self.deal[r - 1] as usize, self.deal[r] as usize);
            rank[a] < rank[b] || (a == b && self.time[r - 1] <= self.time[r])
        });
        if rows_in_order {
            return (0..n as u32).collect();
        }
        let mut next = vec![0u32; self.deals.len() + 1];
        for &d in &self.deal {
            next[rank[d as usize] as usize + 1] += 1;
        }
        for r in 0..self.deals.len() {
            next[r + 1] += next[r];
        }
        let start = next.clone();
        let mut order = vec![0u32; n];
        for (row, &d) in self.deal.iter().enumerate() {
            let slot = &mut next[rank[d as usize] as usize];
            order[*slot as usize] = row as u32;
            *slot += 1;
        }
        for r in 0..self.deals.len() {
            let rows = &mut order[start[r] as usize..start[r + 1] as usize];
            if !rows.is_sorted_by_key(|&row| self.time[row as usize]) {
                // Stable: rows at the same time keep input order.
                rows.sort_by_key(|&row| self.time[row as usize]);
            }
        }
        order
    }

    /// When every deal's events are one run of consecutive rows in time order (the usual
    /// layout of an export, whatever order the deals come in), the runs as row ranges in
    /// PM4Py order (deal id as a string); then `deal_order` would list exactly these rows, and
    /// callers can read the columns in place instead of gathering them. `None` otherwise.
    pub fn deal_runs(&self) -> Option<Vec<(u32, u32)>> {
        let n = self.len();
        let mut run_of = vec![u32::MAX; self.deals.len()];
        let mut runs: Vec<(u32, u32)> = Vec::with_capacity(self.deals.len());
        let mut start = 0;
        for row in 1..=n {
            if row < n && self.deal[row] == self.deal[start] {
                if self.time[row] < self.time[row - 1] {
                    return None;
                }
                continue;
            }
            let deal = self.deal[start] as usize;
            if run_of[deal] != u32::MAX {
                return None; // the deal's events are in two places
            }
            run_of[deal] = runs.len() as u32;
            runs.push((start as u32, row as u32));
            start = row;
        }
        let rank = self.deal_ranks();
        let mut by_rank: Vec<u32> = vec![u32::MAX; self.deals.len()];
        for (deal, &run) in run_of.iter().enumerate() {
            if run != u32::MAX {
                by_rank[rank[deal] as usize] = run;
            }
        }
        Some(
            by_rank
                .into_iter()
                .filter(|&r| r != u32::MAX)
                .map(|r| runs[r as usize])
                .collect(),
        )
    }

    /// Each deal code's position among the deal ids sorted as strings. The ids are sorted by
    /// their first 16 bytes as one integer, comparing whole strings only on a tie.
    fn deal_ranks(&self) -> Vec<u32> {
        let names = self.deals.names();
        let prefix = |name: &str| {
            let mut word = [0u8; 16];
            let len = name.len().min(16);
            word[..len].copy_from_slice(&name.as_bytes()[..len]);
            u128::from_be_bytes(word)
        };
        let mut keyed: Vec<(u128, u32)> = names
            .iter()
            .enumerate()
            .map(|(code, name)| (prefix(name), code as u32))
            .collect();
        let order = |a: &(u128, u32), b: &(u128, u32)| {
            a.0.cmp(&b.0)
                .then_with(|| names[a.1 as usize].cmp(&names[b.1 as usize]))
        };
        // Two halves sorted at the same time, then merged: most of an import's deal ids.
        let mut rank = vec![0u32; names.len()];
        let mut next_rank = 0u32;
        let mut place = |code: u32| {
            rank[code as usize] = next_rank;
            next_rank += 1;
        };
        if keyed.len() < 50_000 {
            keyed.sort_unstable_by(order);
            keyed.iter().for_each(|&(_, code)| place(code));
        } else {
            let half = keyed.len() / 2;
            let (left, right) = keyed.split_at_mut(half);
            std::thread::scope(|scope| {
                scope.spawn(|| left.sort_unstable_by(order));
                right.sort_unstable_by(order);
            });
            let (mut i, mut j) = (0, 0);
            while i < left.len() || j < right.len() {
                let take_left =
                    j == right.len() || (i < left.len() && order(&left[i], &right[j]).is_le());
                if take_left {
                    place(left[i].1);
                    i += 1;
                } else {
                    place(right[j].1);
                    j += 1;
                }
            }
        }
        rank
    }

    /// Splits rows ordered by [`History::deal_order`] into one slice per deal.
    pub fn cases<'a>(&self, order: &'a [u32]) -> Vec<&'a [u32]> {
        order
            .chunk_by(|&a, &b| self.deal[a as usize] == self.deal[b as usize])
            .collect()
    }
}

fn column_mut<'a>(columns: &'a mut Vec<Column>, name: &str) -> &'a mut Column {
    match columns.iter().position(|c| c.name == name) {
        Some(i) => &mut columns[i],
        None => {
            columns.push(Column::new(name));
            columns.last_mut().expect("just pushed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deal_order_sorts_by_deal_name_then_time_then_row() {
        let mut h = History::default();
        h.push("b", "x", 10, EventKind::StageEntry);
        h.push("a", "y", 5, EventKind::StageEntry);
        h.push("b", "z", 10, EventKind::StageEntry);
        h.push("a", "w", 1, EventKind::StageEntry);
        h.push("b", "v", 3, EventKind::StageEntry);
        let order = h.deal_order();
        assert_eq!(order, vec![3, 1, 4, 0, 2]);
        let cases = h.cases(&order);
        assert_eq!(cases, vec![&[3u32, 1][..], &[4, 0, 2][..]]);
    }

    #[test]
    fn deal_order_matches_a_sort_of_every_event() {
        // Ids sharing a 16-byte prefix, equal times, deals interleaved.
        let mut h = History::default();
        let ids = [
            "deal-0000000000000-b",
            "deal-0000000000000-a",
            "z",
            "deal-0000000000000",
            "10",
            "9",
        ];
        for i in 0..200u32 {
            let deal = ids[(i * 7 % 6) as usize];
            h.push(deal, "x", (i % 5) as i64, EventKind::StageEntry);
        }
        let mut want: Vec<u32> = (0..h.len() as u32).collect();
        want.sort_by(|&a, &b| {
            let key = |r: u32| (h.deals.name(h.deal[r as usize]), h.time[r as usize], r);
            key(a).cmp(&key(b))
        });
        assert_eq!(h.deal_order(), want);
    }

    #[test]
    fn deal_ranks_of_many_deals_sort_in_halves_and_merge() {
        let mut h = History::default();
        let mut seed = 1u64;
        for i in 0..60_000u32 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Long shared prefixes and ties on the first 16 bytes.
            let id = format!("opportunity-0000{}-{}", seed >> 61, seed % 100_000);
            h.push(&id, "x", (i % 3) as i64, EventKind::StageEntry);
        }
        let mut want: Vec<u32> = (0..h.len() as u32).collect();
        want.sort_by(|&a, &b| {
            let key = |r: u32| (h.deals.name(h.deal[r as usize]), h.time[r as usize], r);
            key(a).cmp(&key(b))
        });
        assert!(h.deals.len() > 50_000);
        assert_eq!(h.deal_order(), want);
    }

    #[test]
    fn deal_runs_are_the_deal_order_when_deals_are_contiguous() {
        let mut h = History::default();
        for (deal, time) in [("b", 1), ("b", 1), ("b", 5), ("10", 3), ("9", 0), ("9", 2)] {
            h.push(deal, "x", time, EventKind::StageEntry);
        }
        let runs = h.deal_runs().unwrap();
        assert_eq!(runs, vec![(3, 4), (4, 6), (0, 3)]);
        let listed: Vec<u32> = runs.iter().flat_map(|&(s, e)| s..e).collect();
        assert_eq!(listed, h.deal_order());
        // A deal in two places, or out of time order, has no runs.
        h.push("b", "x", 9, EventKind::StageEntry);
        assert_eq!(h.deal_runs(), None);
        let mut h = History::default();
        h.push("a", "x", 5, EventKind::StageEntry);
        h.push("a", "x", 4, EventKind::StageEntry);
        assert_eq!(h.deal_runs(), None);
        assert_eq!(History::default().deal_runs(), Some(vec![]));
    }

    #[test]
    fn interner_codes_follow_first_sight() {
        let mut names = Interner::default();
        for i in 0..1000 {
            assert_eq!(names.intern(&format!("deal-{i}")), i);
        }
        assert_eq!(names.intern("deal-7"), 7);
        assert_eq!(names.intern_utf8(b"deal-999"), Ok(999));
        assert_eq!(names.intern_utf8("계약".as_bytes()), Ok(1000));
        assert!(names.intern_utf8(b"\xff").is_err());
        assert_eq!(
            (names.len(), names.get("deal-500"), names.get("nope")),
            (1001, Some(500), None)
        );
        assert_eq!(names.name(1000), "계약");
        // Equal when the names are, however the index grew.
        let mut a = Interner::default();
        a.intern("x");
        let mut b = Interner::default();
        b.intern("x");
        b.intern_utf8(b"\xfe").unwrap_err();
        assert_eq!(a, b);
        // Absorbing keeps first-sight order and maps every name.
        let mut other = Interner::default();
        for name in ["deal-3", "new-1", "deal-999", "new-2"] {
            other.intern(name);
        }
        assert_eq!(names.absorb(other), vec![3, 1001, 999, 1002]);
        assert_eq!(
            (names.name(1001), names.get("new-2")),
            ("new-1", Some(1002))
        );
    }

    #[test]
    fn columns_grow_and_report_missing() {
        let mut h = History::default();
        h.push("d1", "a", 0, EventKind::Touch);
        h.push("d2", "a", 0, EventKind::Touch);
        h.set_deal_attr("d2", "source", "referral");
        let col = h.deal_attr("source").unwrap();
        assert_eq!(col.get(0), None);
        assert_eq!(col.get(1), Some("referral"));
    }
}
