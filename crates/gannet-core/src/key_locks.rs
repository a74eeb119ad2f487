//! Striped per-key locks: a read-modify-write of one item (conditional writes, ReturnValues)
//! holds its stripe from the read until the write is durable, so two such writes on one item are
//! serialized. Stripes keep memory fixed however many items exist; an unrelated key sharing a
//! stripe only waits, it never deadlocks, because one operation holds at most one stripe.

use std::hash::{BuildHasher, RandomState};

use tokio::sync::{Mutex, MutexGuard};

const STRIPES: usize = 1024;

pub struct KeyLocks {
    stripes: Vec<Mutex<()>>,
    hasher: RandomState,
}

impl KeyLocks {
    pub fn new() -> Self {
        KeyLocks {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            hasher: RandomState::new(),
        }
    }

    pub async fn lock(&self, key: &[u8]) -> MutexGuard<'_, ()> {
        let stripe = (self.hasher.hash_one(key) as usize) % STRIPES;
        self.stripes[stripe].lock().await
    }
}
