//! In-memory backend: for tests and for running without a data directory. Nothing survives a
//! restart.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::{CommitFuture, Direction, Engine, KeyRange, StorageError, WriteBatch, WriteOp};

type Map = BTreeMap<Vec<u8>, Vec<u8>>;

/// An ordered map under one lock. A visit holds the read lock throughout, so it sees one state
/// and commits wait for it.
#[derive(Debug, Default)]
pub struct MemoryEngine {
    map: RwLock<Map>,
}

impl MemoryEngine {
    pub fn new() -> Self {
        Self::default()
    }

    // Every mutation completes before the guard drops, so a poisoned lock still holds a whole
    // state and is safe to keep using.
    fn read(&self) -> RwLockReadGuard<'_, Map> {
        self.map.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Map> {
        self.map.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn apply(&self, batch: WriteBatch) -> Result<(), StorageError> {
        batch.validate()?;
        let mut map = self.write();
        for op in batch.ops {
            match op {
                WriteOp::Put { key, value } => {
                    map.insert(key, value);
                }
                WriteOp::Delete { key } => {
                    map.remove(&key);
                }
                WriteOp::DeleteRange { start, end } => {
                    if start < end {
                        let doomed: Vec<Vec<u8>> = map
                            .range::<[u8], _>((
                                std::ops::Bound::Included(start.as_slice()),
                                std::ops::Bound::Excluded(end.as_slice()),
                            ))
                            .map(|(k, _)| k.clone())
                            .collect();
                        for key in doomed {
                            map.remove(&key);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl Engine for MemoryEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.read().get(key).cloned())
    }

    fn visit(
        &self,
        range: &KeyRange,
        direction: Direction,
        visit: &mut dyn FnMut(&[u8], &[u8]) -> ControlFlow<()>,
    ) -> Result<(), StorageError> {
        if range.is_empty() {
            return Ok(());
        }
        let map = self.read();
        let mut iter = map.range::<[u8], _>(range.as_slices());
        let mut step = |(k, v): (&Vec<u8>, &Vec<u8>)| visit(k, v);
        // A break only means the visitor has seen enough.
        let _stopped = match direction {
            Direction::Forward => iter.try_for_each(&mut step),
            Direction::Reverse => iter.rev().try_for_each(&mut step),
        };
        Ok(())
    }

    fn commit(&self, batch: WriteBatch) -> CommitFuture {
        let result = self.apply(batch);
        Box::pin(std::future::ready(result))
    }

    fn flush(&self) -> Result<(), StorageError> {
        Ok(())
    }
}
