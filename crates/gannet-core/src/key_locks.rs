//! Per-item locks. A read-modify-write of one item (conditional writes, ReturnValues, updates)
//! holds its item's lock from the read until the write is durable, so two such writes on one
//! item are serialized. Transactions take the locks of all their items without queueing behind
//! other writers: if a writer holds one, the transaction is cancelled with TransactionConflict,
//! as in DynamoDB, instead of queueing (which could deadlock with another transaction holding
//! the locks the other way round). A single-item write that finds its item locked by a
//! transaction fails with TransactionConflictException, also as in DynamoDB.
//!
//! TransactGetItems takes shared locks: transactional reads never conflict with each other, and
//! a read is cancelled only when "a conflicting operation is in the process of updating an item
//! to be read" (AWS's words). Writes are never refused because of a read: a read holds its locks
//! only for a few synchronous storage lookups, so writers wait for it.
//!
//! Entries exist only while an item is locked or awaited, so memory follows concurrency, not
//! the number of items.

// The lock table is a set of entries hashed and compared by their key bytes alone, which never
// change; the locks' interior mutability does not affect where an entry sits.
#![allow(clippy::mutable_key_type)]

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard as StdGuard};

use gannet_model::Error;
use gannet_storage::key_head;
// For `get_or_insert_with`: one hash and probe to find or add an entry.
use hashbrown::HashSet;
use smallvec::SmallVec;
use tokio::sync::Semaphore;

/// Permits of one item lock: a reader takes one, a writer all of them (tokio's RwLock is the
/// same semaphore; holding it inline saves the RwLock's own allocation per locked item).
const WRITE_PERMITS: u32 = u32::MAX >> 3;

struct KeyLock {
    /// Inline up to the length of most storage keys, so taking a lock allocates only the
    /// entry (a batch write takes 25).
    key: SmallVec<[u8; 32]>,
    permits: Semaphore,
    /// Set while a writer (single-item or transaction) holds the lock.
    writer: AtomicBool,
    /// Set while a transaction holds the lock for writing.
    transaction: AtomicBool,
}

impl KeyLock {
    /// Waits for `permits`; false only if the semaphore were closed, which it never is.
    async fn acquire(&self, permits: u32) -> bool {
        match self.permits.acquire_many(permits).await {
            Ok(permit) => {
                // Given back by the guard's drop, which knows how many it holds.
                permit.forget();
                true
            }
            Err(_) => false,
        }
    }

    fn try_acquire(&self, permits: u32) -> bool {
        match self.permits.try_acquire_many(permits) {
            Ok(permit) => {
                permit.forget();
                true
            }
            Err(_) => false,
        }
    }
}

/// A lock-table entry, found by its key bytes.
struct Entry(Arc<KeyLock>);

impl Borrow<[u8]> for Entry {
    fn borrow(&self) -> &[u8] {
        &self.0.key
    }
}

impl Hash for Entry {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must hash exactly as the `[u8]` it borrows as.
        self.0.key.as_ref().hash(state);
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}

impl Eq for Entry {}

#[derive(Default)]
pub struct KeyLocks {
    table: Mutex<HashSet<Entry>>,
}

/// A held item lock; released on drop.
pub struct KeyGuard<'a> {
    locks: &'a KeyLocks,
    lock: Arc<KeyLock>,
    permits: u32,
}

pub const TRANSACTION_ONGOING: &str = "Transaction is ongoing for the item";

impl KeyLocks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks one item for a single-item operation, waiting for other single-item operations
    /// and transactional reads but failing at once if a transaction holds it for writing.
    pub async fn lock(&self, key: &[u8]) -> Result<KeyGuard<'_>, Error> {
        let pending = Pending {
            locks: self,
            lock: Some(Self::entry_in(&mut self.table(), key)),
        };
        pending
            .lock_write()
            .await
            .ok_or_else(|| Error::TransactionConflict(TRANSACTION_ONGOING.to_owned()))
    }

    /// Locks the items of a batch write, waiting like `lock`, in key order so two batches
    /// cannot wait on each other in a cycle. Items a transaction holds are not waited for:
    /// their indexes (into `keys`) come back, with the guard of the others.
    pub async fn lock_batch(&self, keys: &[&[u8]]) -> (BatchGuard<'_>, Vec<usize>) {
        let order = key_order(keys);
        let mut guard = BatchGuard {
            locks: self,
            held: Vec::with_capacity(order.len()),
        };
        // Every item free so far is taken under the one hold of the table that finds the
        // entries, as the waits below would take it; from the first item that is not, the
        // rest are waited for in order.
        let mut pending = Vec::new();
        {
            let mut table = self.table();
            for &index in &order {
                let Some(key) = keys.get(index) else {
                    continue;
                };
                let lock = Self::entry_in(&mut table, key);
                if pending.is_empty()
                    && !lock.transaction.load(Ordering::Acquire)
                    && lock.try_acquire(WRITE_PERMITS)
                {
                    lock.writer.store(true, Ordering::Release);
                    guard.held.push(lock);
                } else {
                    let lock = Some(lock);
                    pending.push((index, Pending { locks: self, lock }));
                }
            }
        }
        let mut busy = Vec::new();
        for (index, mut pending) in pending {
            match pending.acquire_write().await {
                Some(lock) => guard.held.push(lock),
                None => busy.push(index),
            }
        }
        (guard, busy)
    }

    /// Locks every item of a write transaction. An item a writer holds is a conflict: the
    /// locks taken so far are released and the index (into `keys`) of that item is returned.
    /// An item only transactional reads hold is waited for (reads never wait while holding
    /// locks, and items are locked in key order, so this cannot deadlock).
    pub async fn lock_transaction(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, usize> {
        let order = key_order(keys);
        let entries = self.entries(keys, &order);
        let mut guards = Vec::with_capacity(order.len());
        for (index, mut pending) in order.into_iter().zip(entries) {
            let Some(lock) = pending.lock.as_ref() else {
                continue;
            };
            let acquired = lock.try_acquire(WRITE_PERMITS)
                || (!lock.writer.load(Ordering::Acquire) && lock.acquire(WRITE_PERMITS).await);
            if !acquired {
                return Err(index);
            }
            lock.writer.store(true, Ordering::Release);
            lock.transaction.store(true, Ordering::Release);
            guards.extend(pending.take_guard(WRITE_PERMITS));
        }
        Ok(guards)
    }

    /// Takes shared locks on every item of a transactional read without waiting. On an item
    /// being written (or awaited by a writer), releases what it took and returns the index
    /// (into `keys`) of that item.
    pub fn try_read_transaction(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, usize> {
        let order = key_order(keys);
        let entries = self.entries(keys, &order);
        let mut guards = Vec::with_capacity(order.len());
        for (index, mut pending) in order.into_iter().zip(entries) {
            if !pending
                .lock
                .as_ref()
                .is_some_and(|lock| lock.try_acquire(1))
            {
                return Err(index);
            }
            guards.extend(pending.take_guard(1));
        }
        Ok(guards)
    }

    /// The entries of `keys[i]` for each `i` in `order`, under one hold of the table lock.
    fn entries(&self, keys: &[&[u8]], order: &[usize]) -> Vec<Pending<'_>> {
        let mut table = self.table();
        order
            .iter()
            .filter_map(|&index| keys.get(index))
            .map(|key| Pending {
                locks: self,
                lock: Some(Self::entry_in(&mut table, key)),
            })
            .collect()
    }

    fn entry_in(table: &mut HashSet<Entry>, key: &[u8]) -> Arc<KeyLock> {
        let entry = table.get_or_insert_with(key, |key| {
            Entry(Arc::new(KeyLock {
                key: SmallVec::from_slice(key),
                permits: Semaphore::new(WRITE_PERMITS as usize),
                writer: AtomicBool::new(false),
                transaction: AtomicBool::new(false),
            }))
        });
        Arc::clone(&entry.0)
    }

    /// Drops a reference to `lock`, removing its entry when nobody else holds one.
    fn release_entry(&self, lock: &Arc<KeyLock>) {
        let mut table = self.table();
        // Only the table and `lock` reference it, and new references are only made under the
        // table lock we hold, so nobody can be waiting on it.
        if Arc::strong_count(lock) == 2 {
            table.remove(lock.key.as_ref());
        }
    }

    fn table(&self) -> StdGuard<'_, HashSet<Entry>> {
        // Every critical section is a single map operation, so a poisoned table is consistent.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A table entry taken but not (yet) locked. Dropping it, when locking fails or the request
/// is cancelled while it waits, removes the entry if nobody else holds it, so the table never
/// keeps entries of items nobody locks.
struct Pending<'a> {
    locks: &'a KeyLocks,
    /// `None` once turned into a guard.
    lock: Option<Arc<KeyLock>>,
}

impl<'a> Pending<'a> {
    /// Locks for a single-item write (see `KeyLocks::lock`).
    async fn lock_write(mut self) -> Option<KeyGuard<'a>> {
        let lock = self.acquire_write().await?;
        Some(KeyGuard {
            locks: self.locks,
            lock,
            permits: WRITE_PERMITS,
        })
    }

    /// Locks for a single-item or batch write; the lock is then the caller's to release.
    async fn acquire_write(&mut self) -> Option<Arc<KeyLock>> {
        let lock = self.lock.as_ref()?;
        if lock.transaction.load(Ordering::Acquire) || !lock.acquire(WRITE_PERMITS).await {
            return None;
        }
        lock.writer.store(true, Ordering::Release);
        self.lock.take()
    }

    /// The guard of permits already acquired.
    fn take_guard(&mut self, permits: u32) -> Option<KeyGuard<'a>> {
        Some(KeyGuard {
            locks: self.locks,
            lock: self.lock.take()?,
            permits,
        })
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            self.locks.release_entry(&lock);
        }
    }
}

/// Indexes of `keys` in key order, duplicates removed.
fn key_order(keys: &[&[u8]]) -> Vec<usize> {
    let mut order: Vec<(u64, usize)> = keys
        .iter()
        .enumerate()
        .map(|(index, key)| (key_head(key), index))
        .collect();
    order.sort_unstable_by(|(head_a, a), (head_b, b)| {
        head_a
            .cmp(head_b)
            .then_with(|| keys.get(*a).cmp(&keys.get(*b)))
    });
    order.dedup_by(|(_, a), (_, b)| keys.get(*a) == keys.get(*b));
    order.into_iter().map(|(_, index)| index).collect()
}

/// The items a batch write holds; released on drop, under one hold of the table.
pub struct BatchGuard<'a> {
    locks: &'a KeyLocks,
    /// Held for writing.
    held: Vec<Arc<KeyLock>>,
}

impl BatchGuard<'_> {
    #[cfg(test)]
    fn len(&self) -> usize {
        self.held.len()
    }
}

impl Drop for BatchGuard<'_> {
    fn drop(&mut self) {
        let mut table = self.locks.table();
        for lock in &self.held {
            // As in `release_entry`: nobody else references the entry, so nobody waits for it
            // and it can go as it is.
            if Arc::strong_count(lock) == 2 {
                table.remove(lock.key.as_ref());
            } else {
                lock.writer.store(false, Ordering::Release);
                lock.permits.add_permits(WRITE_PERMITS as usize);
            }
        }
        drop(table);
        self.held.clear();
    }
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        if self.permits == WRITE_PERMITS {
            self.lock.transaction.store(false, Ordering::Release);
            self.lock.writer.store(false, Ordering::Release);
        }
        self.lock.permits.add_permits(self.permits as usize);
        self.locks.release_entry(&self.lock);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The order locks are taken in is the keys' byte order, each key once, whatever
        /// their first eight bytes share.
        #[test]
        fn keys_are_locked_in_byte_order(
            keys in proptest::collection::vec(
                proptest::collection::vec(proptest::prop_oneof![proptest::prelude::Just(0u8), proptest::prelude::Just(1u8), proptest::prelude::any::<u8>()], 0..12),
                0..30,
            )
        ) {
            let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
            let ordered: Vec<&[u8]> = key_order(&keys).into_iter().map(|i| keys[i]).collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(ordered, expected);
        }
    }

    #[tokio::test]
    async fn entries_disappear_when_released() {
        let locks = KeyLocks::new();
        {
            let _a = locks.lock(b"a").await.unwrap();
            let _b = locks.lock_transaction(&[b"b", b"c"]).await.unwrap();
            let _r = locks.try_read_transaction(&[b"d", b"c"]).err();
            let _s = locks.try_read_transaction(&[b"d", b"e"]).unwrap();
            assert_eq!(locks.table().len(), 5);
        }
        assert!(locks.table().is_empty());
    }

    #[tokio::test]
    async fn transactions_conflict_instead_of_waiting() {
        let locks = KeyLocks::new();
        let held = locks.lock(b"x").await.unwrap();
        assert_eq!(locks.lock_transaction(&[b"a", b"x"]).await.err(), Some(1));
        assert_eq!(locks.try_read_transaction(&[b"x", b"a"]).err(), Some(0));
        drop(held);
        let txn = locks.lock_transaction(&[b"a", b"x"]).await.unwrap();
        assert_eq!(locks.lock_transaction(&[b"x"]).await.err(), Some(0));
        assert_eq!(locks.try_read_transaction(&[b"b", b"a"]).err(), Some(1));
        assert!(matches!(
            locks.lock(b"x").await,
            Err(Error::TransactionConflict(_))
        ));
        drop(txn);
        assert!(locks.lock(b"x").await.is_ok());
        assert!(locks.table().is_empty());
    }

    #[tokio::test]
    async fn single_item_writers_wait_for_each_other() {
        let locks = Arc::new(KeyLocks::new());
        let first = locks.lock(b"k").await.unwrap();
        let waiter = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.lock(b"k").await.map(|_| ()).is_ok() })
        };
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(first);
        assert!(waiter.await.unwrap());
    }

    #[tokio::test]
    async fn reads_share_and_writers_wait_for_them() {
        let locks = Arc::new(KeyLocks::new());
        let first = locks.try_read_transaction(&[b"a", b"b"]).unwrap();
        let second = locks.try_read_transaction(&[b"b", b"c"]).unwrap();
        let single = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.lock(b"b").await.map(|_| ()).is_ok() })
        };
        let txn = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.lock_transaction(&[b"a"]).await.map(|_| ()).is_ok() })
        };
        tokio::task::yield_now().await;
        assert!(!single.is_finished() && !txn.is_finished());
        drop(first);
        assert!(
            txn.await.unwrap(),
            "a transaction was refused because of a read"
        );
        drop(second);
        assert!(
            single.await.unwrap(),
            "a write was refused because of a read"
        );
        assert!(locks.table().is_empty());
    }

    #[tokio::test]
    async fn abandoned_waits_leave_no_entries() {
        let locks = KeyLocks::new();
        let held = locks.lock(b"k").await.unwrap();
        let waits = [
            tokio::time::timeout(
                std::time::Duration::from_millis(20),
                locks.lock_batch(&[b"l", b"k", b"j"]),
            )
            .await
            .is_err(),
            tokio::time::timeout(std::time::Duration::from_millis(20), locks.lock(b"k"))
                .await
                .is_err(),
        ];
        assert_eq!(waits, [true, true], "the waits were not abandoned");
        drop(held);
        assert!(locks.table().is_empty());
    }

    /// A batch takes the free items at once and waits in key order for the others; what it
    /// releases goes to whoever waits for it.
    #[tokio::test]
    async fn batches_wait_for_writers_and_hand_on_their_items() {
        let locks = Arc::new(KeyLocks::new());
        let single = locks.lock(b"b").await.unwrap();
        let (locked_tx, locked_rx) = tokio::sync::oneshot::channel();
        let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
        let batch = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move {
                let (guard, busy) = locks.lock_batch(&[b"c", b"b", b"a"]).await;
                let _ = locked_tx.send((guard.len(), busy));
                let _ = release_rx.await;
            })
        };
        tokio::task::yield_now().await;
        // "a", ahead of "b" in key order, is the batch's already; "c" is not yet.
        assert_eq!(locks.lock_transaction(&[b"a"]).await.err(), Some(0));
        let txn = locks.lock_transaction(&[b"c"]).await.unwrap();
        drop(txn);
        let waiter = {
            let locks = Arc::clone(&locks);
            tokio::spawn(async move { locks.lock(b"a").await.map(|_| ()).is_ok() })
        };
        tokio::task::yield_now().await;
        drop(single);
        assert_eq!(locked_rx.await.unwrap(), (3, vec![]));
        assert!(!waiter.is_finished());
        release_tx.send(()).unwrap();
        batch.await.unwrap();
        let handed_on = tokio::time::timeout(std::time::Duration::from_secs(10), waiter).await;
        assert!(handed_on.expect("the batch did not release").unwrap());
        assert!(locks.table().is_empty());
    }

    #[tokio::test]
    async fn batches_skip_items_transactions_hold() {
        let locks = KeyLocks::new();
        let txn = locks.lock_transaction(&[b"b"]).await.unwrap();
        let (guards, busy) = locks.lock_batch(&[b"c", b"b", b"a"]).await;
        assert_eq!((guards.len(), busy), (2, vec![1]));
        drop((guards, txn));
        assert!(locks.table().is_empty());
    }
}
