// Gannet patch: iteration over the B-tree memtable (see `Entries` in the parent module).

use super::{to_internal_value, Memtable, MemtableKey};
use crate::{key::InternalKey, value::InternalValue};
use std::collections::VecDeque;
use std::ops::Bound;

/// Entries copied per lock acquisition: enough to make the lock and the B-tree descent cheap
/// per entry, few enough that a writer never waits long behind a reader.
const CHUNK: usize = 64;

/// A double-ended iterator over a key range of a memtable that holds no lock between calls.
///
/// It copies entries out in chunks from either end of the part of the range not yet fetched,
/// `(lower, upper)`, and narrows that part past what it copied. The two ends therefore never
/// yield the same entry. Entries inserted later inside the unfetched part are seen, like the
/// skiplist's iterators saw concurrent inserts; callers filter by seqno.
pub struct MemtableRange<'a> {
    memtable: &'a Memtable,
    lower: Bound<InternalKey>,
    upper: Bound<InternalKey>,
    /// No entries are left between `lower` and `upper`.
    drained: bool,
    front: VecDeque<InternalValue>,
    back: VecDeque<InternalValue>,
}

impl<'a> MemtableRange<'a> {
    pub fn new(
        memtable: &'a Memtable,
        lower: Bound<InternalKey>,
        upper: Bound<InternalKey>,
    ) -> Self {
        let drained = bounds_are_empty(&lower, &upper);
        Self {
            memtable,
            lower,
            upper,
            drained,
            front: VecDeque::new(),
            back: VecDeque::new(),
        }
    }

    /// The unfetched part's bounds as the entries' keys.
    fn map_bounds(&self) -> (Bound<MemtableKey>, Bound<MemtableKey>) {
        (
            self.lower.clone().map(MemtableKey::new),
            self.upper.clone().map(MemtableKey::new),
        )
    }

    /// Refills the (empty) front buffer from the low end of the unfetched range and moves that
    /// end past it. A short chunk means nothing is left in between.
    fn fetch_front(&mut self) {
        let entries = self.memtable.read_entries();
        self.front = entries
            .range(self.map_bounds())
            .take(CHUNK)
            .map(|(key, value)| to_internal_value(&key.key, value))
            .collect();
        drop(entries);
        let full = self.front.len() == CHUNK;
        if let (true, Some(last)) = (full, self.front.back()) {
            self.lower = Bound::Excluded(last.key.clone());
        }
        self.drained = !full || bounds_are_empty(&self.lower, &self.upper);
    }

    /// As `fetch_front`, from the high end into the back buffer (kept in ascending order).
    fn fetch_back(&mut self) {
        let entries = self.memtable.read_entries();
        self.back = entries
            .range(self.map_bounds())
            .rev()
            .take(CHUNK)
            .map(|(key, value)| to_internal_value(&key.key, value))
            .collect();
        drop(entries);
        self.back.make_contiguous().reverse();
        let full = self.back.len() == CHUNK;
        if let (true, Some(first)) = (full, self.back.front()) {
            self.upper = Bound::Excluded(first.key.clone());
        }
        self.drained = !full || bounds_are_empty(&self.lower, &self.upper);
    }
}

/// Whether no key lies between the bounds. `BTreeMap::range` panics on some such bounds (start
/// after end, or equal and both excluded), where the skiplist returned nothing.
fn bounds_are_empty(lower: &Bound<InternalKey>, upper: &Bound<InternalKey>) -> bool {
    match (lower, upper) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
        (Bound::Included(low), Bound::Included(high)) => low > high,
        (
            Bound::Included(low) | Bound::Excluded(low),
            Bound::Included(high) | Bound::Excluded(high),
        ) => low >= high,
    }
}

impl Iterator for MemtableRange<'_> {
    type Item = InternalValue;

    fn next(&mut self) -> Option<Self::Item> {
        if self.front.is_empty() && !self.drained {
            self.fetch_front();
        }
        self.front.pop_front().or_else(|| self.back.pop_front())
    }
}

impl DoubleEndedIterator for MemtableRange<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.back.is_empty() && !self.drained {
            self.fetch_back();
        }
        self.back.pop_back().or_else(|| self.front.pop_back())
    }
}
