//! DescribeTable's ItemCount and TableSizeBytes. Counting walks the table, which is cheap for
//! the small tables of tests (whose authors expect exact figures) but costs about half a second
//! per million items; so a large table's figures are reused for a minute. DynamoDB itself
//! refreshes them only about every six hours, so neither is less faithful than the service.

use std::collections::HashMap;
use std::sync::Mutex;

/// Tables with at least this many items get cached statistics.
pub const EXACT_BELOW_ITEMS: u64 = 100_000;
/// How long cached statistics of a large table are reused.
pub const MAX_AGE_MILLIS: u64 = 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStatistics {
    pub item_count: u64,
    pub size_bytes: u64,
}

#[derive(Default)]
pub struct StatisticsCache {
    by_table: Mutex<HashMap<u64, (TableStatistics, u64)>>,
}

impl StatisticsCache {
    /// The cached statistics of `table_id`, if it is a large table counted less than
    /// `MAX_AGE_MILLIS` before `now_millis`.
    pub fn fresh(&self, table_id: u64, now_millis: u64) -> Option<TableStatistics> {
        let cached = self
            .by_table
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&table_id)
            .copied();
        cached
            .filter(|(statistics, at_millis)| {
                statistics.item_count >= EXACT_BELOW_ITEMS
                    && now_millis.saturating_sub(*at_millis) < MAX_AGE_MILLIS
            })
            .map(|(statistics, _)| statistics)
    }

    /// Records a count of `table_id` made at `now_millis`.
    pub fn store(&self, table_id: u64, now_millis: u64, statistics: TableStatistics) {
        self.by_table
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(table_id, (statistics, now_millis));
    }

    pub fn forget(&self, table_id: u64) {
        self.by_table
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&table_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(item_count: u64) -> TableStatistics {
        TableStatistics {
            item_count,
            size_bytes: item_count * 10,
        }
    }

    #[test]
    fn small_tables_are_counted_every_time_large_ones_once_a_minute() {
        let cache = StatisticsCache::default();
        cache.store(1, 0, stats(3));
        assert_eq!(cache.fresh(1, 1), None);

        let large = EXACT_BELOW_ITEMS;
        cache.store(2, 0, stats(large));
        assert_eq!(cache.fresh(2, MAX_AGE_MILLIS - 1), Some(stats(large)));
        assert_eq!(cache.fresh(2, MAX_AGE_MILLIS), None);
        cache.store(2, MAX_AGE_MILLIS, stats(large + 1));
        assert_eq!(cache.fresh(2, MAX_AGE_MILLIS + 1), Some(stats(large + 1)));
        cache.forget(2);
        assert_eq!(cache.fresh(2, MAX_AGE_MILLIS + 2), None);
    }
}
