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

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard as StdGuard};

use gannet_model::Error;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

#[derive(Default)]
struct KeyLock {
    lock: Arc<RwLock<()>>,
    /// Set while a writer (single-item or transaction) holds the lock.
    writer: AtomicBool,
    /// Set while a transaction holds the lock for writing.
    transaction: AtomicBool,
}

enum Held {
    Read(#[allow(dead_code)] OwnedRwLockReadGuard<()>),
    Write(#[allow(dead_code)] OwnedRwLockWriteGuard<()>),
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
    guard: Option<Held>,
}

pub const TRANSACTION_ONGOING: &str = "Transaction is ongoing for the item";

impl KeyLocks {
    pub fn new() -> Self {
        Self::default()
    }

    /// Locks one item for a single-item operation, waiting for other single-item operations
    /// and transactional reads but failing at once if a transaction holds it for writing.
    pub async fn lock(&self, key: &[u8]) -> Result<KeyGuard<'_>, Error> {
        let lock = self.entry(key);
        if lock.transaction.load(Ordering::Acquire) {
            self.release_entry(key, lock);
            return Err(Error::TransactionConflict(TRANSACTION_ONGOING.to_owned()));
        }
        let guard = Arc::clone(&lock.lock).write_owned().await;
        lock.writer.store(true, Ordering::Release);
        Ok(KeyGuard {
            locks: self,
            key: key.to_vec(),
            lock,
            guard: Some(Held::Write(guard)),
        })
    }

    /// Locks the items of a batch write, waiting like `lock`, in key order so two batches
    /// cannot wait on each other in a cycle. Items a transaction holds are not waited for:
    /// their indexes (into `keys`) come back, with the guards of the others.
    pub async fn lock_batch(&self, keys: &[&[u8]]) -> (Vec<KeyGuard<'_>>, Vec<usize>) {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by(|a, b| keys[*a].cmp(keys[*b]));
        order.dedup_by(|a, b| keys[*a] == keys[*b]);
        let mut guards = Vec::with_capacity(order.len());
        let mut busy = Vec::new();
        for index in order {
            match self.lock(keys[index]).await {
                Ok(guard) => guards.push(guard),
                Err(_) => busy.push(index),
            }
        }
        (guards, busy)
    }

    /// Locks every item of a write transaction. An item a writer holds is a conflict: the
    /// locks taken so far are released and the index (into `keys`) of that item is returned.
    /// An item only transactional reads hold is waited for (reads never wait while holding
    /// locks, and items are locked in key order, so this cannot deadlock).
    pub async fn lock_transaction(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, usize> {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by(|a, b| keys[*a].cmp(keys[*b]));
        order.dedup_by(|a, b| keys[*a] == keys[*b]);
        let mut guards = Vec::with_capacity(order.len());
        for index in order {
            let key = keys[index];
            let lock = self.entry(key);
            let guard = match Arc::clone(&lock.lock).try_write_owned() {
                Ok(guard) => guard,
                Err(_) if !lock.writer.load(Ordering::Acquire) => {
                    Arc::clone(&lock.lock).write_owned().await
                }
                Err(_) => {
                    self.release_entry(key, lock);
                    return Err(index);
                }
            };
            lock.writer.store(true, Ordering::Release);
            lock.transaction.store(true, Ordering::Release);
            guards.push(KeyGuard {
                locks: self,
                key: key.to_vec(),
                lock,
                guard: Some(Held::Write(guard)),
            });
        }
        Ok(guards)
    }

    /// Takes shared locks on every item of a transactional read without waiting. On an item
    /// being written (or awaited by a writer), releases what it took and returns the index
    /// (into `keys`) of that item.
    pub fn try_read_transaction(&self, keys: &[&[u8]]) -> Result<Vec<KeyGuard<'_>>, usize> {
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by(|a, b| keys[*a].cmp(keys[*b]));
        order.dedup_by(|a, b| keys[*a] == keys[*b]);
        let mut guards = Vec::with_capacity(order.len());
        for index in order {
            let key = keys[index];
            let lock = self.entry(key);
            match Arc::clone(&lock.lock).try_read_owned() {
                Ok(guard) => guards.push(KeyGuard {
                    locks: self,
                    key: key.to_vec(),
                    lock,
                    guard: Some(Held::Read(guard)),
                }),
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
        if let Some(Held::Write(_)) = &self.guard {
            self.lock.transaction.store(false, Ordering::Release);
            self.lock.writer.store(false, Ordering::Release);
        }
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
    async fn batches_skip_items_transactions_hold() {
        let locks = KeyLocks::new();
        let txn = locks.lock_transaction(&[b"b"]).await.unwrap();
        let (guards, busy) = locks.lock_batch(&[b"c", b"b", b"a"]).await;
        assert_eq!((guards.len(), busy), (2, vec![1]));
        drop((guards, txn));
        assert!(locks.table().is_empty());
    }
}
