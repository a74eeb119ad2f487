//! Per-item locks. A read-modify-write of one item (conditional writes, ReturnValues, updates)
//! holds its item's lock from the read until the write is durable, so two such writes on one
//! item are serialized. Transactions take the locks of all their items without waiting: if one
//! is held, the transaction is cancelled with TransactionConflict, as in DynamoDB, instead of
//! queueing (which could deadlock with another transaction holding the locks the other way
//! round). A single-item write that finds its item locked by a transaction fails with
//! TransactionConflictException, also as in DynamoDB.
//!
//! Entries exist only while an item is locked or awaited, so memory follows concurrency, not
//! the number of items.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard as StdGuard};

use gannet_model::Error;
use tokio::sync::OwnedMutexGuard;

#[derive(Default)]
struct KeyLock {
    mutex: Arc<tokio::sync::Mutex<()>>,
    /// Set while a transaction holds the lock.
    transaction: AtomicBool,
}

#[derive(Default)]
pub struct KeyLocks {
    table: Mutex<HashMap<Vec<u8>, Arc<KeyLock>>>,
}

/// A held item lock; released on drop.
pub struct KeyGuard<'a> {
    locks: &'a KeyLocks,
    key: Vec<u8>,
    lock: Arc<KeyLock>,
    guard: Option<OwnedMutexGuard<()>>,
}

pub const TRANSACTION_ONGOING: &str = "Transaction is ongoing for the item";

impl KeyLocks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks one item for a single-item operation, waiting for other single-item operations
    /// but failing at once if a transaction holds it.
    pub async fn lock(&self, key: &[u8]) -> Result<KeyGuard<'_>, Error> {
        let lock = self.entry(key);
        if lock.transaction.load(Ordering::Acquire) {
            self.release_entry(key, lock);
            return Err(Error::TransactionConflict(TRANSACTION_ONGOING.to_owned()));
        }
        let guard = Arc::clone(&lock.mutex).lock_owned().await;
        Ok(KeyGuard {
            locks: self,
            key: key.to_vec(),
            lock,
            guard: Some(guard),
        })
    }

    /// Locks several items (a batch write), waiting like `lock`. Items are locked in key
    /// order so two batches cannot wait on each other in a cycle.
    pub async fn lock_many(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, Error> {
        let mut sorted: Vec<&[u8]> = keys.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut guards = Vec::with_capacity(sorted.len());
        for key in sorted {
            guards.push(self.lock(key).await?);
        }
        Ok(guards)
    }

    /// Locks every item of a transaction without waiting. On a held lock, releases what it
    /// took and returns the index (into `keys`) of the first conflicting item.
    pub fn try_lock_transaction(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, usize> {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by(|a, b| keys[*a].cmp(keys[*b]));
        order.dedup_by(|a, b| keys[*a] == keys[*b]);
        let mut guards = Vec::with_capacity(order.len());
        for index in order {
            let key = keys[index];
            let lock = self.entry(key);
            match Arc::clone(&lock.mutex).try_lock_owned() {
                Ok(guard) => {
                    lock.transaction.store(true, Ordering::Release);
                    guards.push(KeyGuard {
                        locks: self,
                        key: key.to_vec(),
                        lock,
                        guard: Some(guard),
                    });
                }
                Err(_) => {
                    self.release_entry(key, lock);
                    return Err(index);
                }
            }
        }
        Ok(guards)
    }

    fn entry(&self, key: &[u8]) -> Arc<KeyLock> {
        let mut table = self.table();
        Arc::clone(table.entry(key.to_vec()).or_default())
    }

    /// Drops a reference taken by `entry`, removing the entry when nobody else holds it.
    fn release_entry(&self, key: &[u8], lock: Arc<KeyLock>) {
        let mut table = self.table();
        // Only the table and `lock` reference it, and new references are only made under the
        // table lock we hold, so nobody can be waiting on it.
        if Arc::strong_count(&lock) == 2 {
            table.remove(key);
        }
    }

    fn table(&self) -> StdGuard<'_, HashMap<Vec<u8>, Arc<KeyLock>>> {
        // Every critical section is a single map operation, so a poisoned table is consistent.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for KeyGuard<'_> {
    fn drop(&mut self) {
        self.lock.transaction.store(false, Ordering::Release);
        drop(self.guard.take());
        let lock = Arc::clone(&self.lock);
        let mut table = self.locks.table();
        // The table, `self.lock` and `lock` hold it: nobody else is waiting.
        if Arc::strong_count(&lock) == 3 {
            table.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn entries_disappear_when_released() {
        let locks = KeyLocks::new();
        {
            let _a = locks.lock(b"a").await.unwrap();
            let _b = locks.try_lock_transaction(&[b"b", b"c"]).unwrap();
            assert_eq!(locks.table().len(), 3);
        }
        assert!(locks.table().is_empty());
    }

    #[tokio::test]
    async fn transactions_conflict_instead_of_waiting() {
        let locks = KeyLocks::new();
        let held = locks.lock(b"x").await.unwrap();
        assert_eq!(locks.try_lock_transaction(&[b"a", b"x"]).err(), Some(1));
        drop(held);
        let txn = locks.try_lock_transaction(&[b"a", b"x"]).unwrap();
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
}
