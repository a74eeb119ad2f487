//! The storage engine Gannet's core needs, and nothing more: ordered byte keys, point reads,
//! ordered range visits from a consistent snapshot, and atomic, durable write batches.
#![deny(unsafe_code)]

use std::future::Future;
use std::ops::{Bound, ControlFlow};
use std::pin::Pin;
use std::sync::Arc;

#[cfg(test)]
mod conformance;
pub mod fjall_engine;
pub mod memory;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("storage I/O failed: {0}")]
    Io(String),
    #[error("storage is closed")]
    Closed,
    #[error("key of {0} bytes exceeds the {MAX_KEY_LEN}-byte limit")]
    KeyTooLarge(usize),
    #[error("empty keys are not supported")]
    EmptyKey,
    #[error("value of {0} bytes exceeds the {MAX_VALUE_LEN}-byte limit")]
    ValueTooLarge(usize),
}

/// The longest key every backend accepts (fjall stores key lengths as `u16`). Keys must also be
/// non-empty: fjall asserts on empty keys.
pub const MAX_KEY_LEN: usize = u16::MAX as usize;
/// The largest value every backend accepts (fjall stores value lengths as `u32`).
pub const MAX_VALUE_LEN: usize = u32::MAX as usize;

/// When an acknowledged write is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Acknowledged only once on disk; concurrent commits share one fsync (group commit).
    #[default]
    Sync,
    /// Acknowledged once in the write-ahead log buffer; fsynced every few milliseconds.
    Buffered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    Put {
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Delete {
        key: Vec<u8>,
    },
    /// Deletes every key in `[start, end)`.
    DeleteRange {
        start: Vec<u8>,
        end: Vec<u8>,
    },
}

/// A key's first eight bytes as a big-endian integer, zero-padded: where two heads differ,
/// they order their keys as the keys' bytes do. Storage keys share only their table and index
/// bytes before the partition hash, so comparing heads first orders nearly every pair of keys
/// without reading them.
pub fn key_head(key: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    let len = key.len().min(head.len());
    if let (Some(target), Some(source)) = (head.get_mut(..len), key.get(..len)) {
        target.copy_from_slice(source);
    }
    u64::from_be_bytes(head)
}

/// Writes applied all together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    pub ops: Vec<WriteOp>,
}

impl WriteOp {
    /// Bytes of keys and values the write carries to storage.
    pub(crate) fn byte_len(&self) -> usize {
        match self {
            WriteOp::Put { key, value } => key.len() + value.len(),
            WriteOp::Delete { key } => key.len(),
            WriteOp::DeleteRange { .. } => 0,
        }
    }
}

impl WriteBatch {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_capacity(ops: usize) -> Self {
        WriteBatch {
            ops: Vec::with_capacity(ops),
        }
    }
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.ops.push(WriteOp::Put { key, value });
    }
    pub fn delete(&mut self, key: Vec<u8>) {
        self.ops.push(WriteOp::Delete { key });
    }
    pub fn delete_range(&mut self, start: Vec<u8>, end: Vec<u8>) {
        self.ops.push(WriteOp::DeleteRange { start, end });
    }
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Rejects the batch up front so a backend never applies it partially (and fjall never
    /// reaches its own assertions).
    pub(crate) fn validate(&self) -> Result<(), StorageError> {
        for op in &self.ops {
            match op {
                WriteOp::Put { key, value } => {
                    check_key(key)?;
                    if value.len() > MAX_VALUE_LEN {
                        return Err(StorageError::ValueTooLarge(value.len()));
                    }
                }
                WriteOp::Delete { key } => check_key(key)?,
                // Range ends are bounds, not stored keys: empty is fine.
                WriteOp::DeleteRange { start, end } => {
                    let len = start.len().max(end.len());
                    if len > MAX_KEY_LEN {
                        return Err(StorageError::KeyTooLarge(len));
                    }
                }
            }
        }
        Ok(())
    }
}

fn check_key(key: &[u8]) -> Result<(), StorageError> {
    if key.is_empty() {
        Err(StorageError::EmptyKey)
    } else if key.len() > MAX_KEY_LEN {
        Err(StorageError::KeyTooLarge(key.len()))
    } else {
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Reverse,
}

/// A half-open or closed range of keys to visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRange {
    pub start: Bound<Vec<u8>>,
    pub end: Bound<Vec<u8>>,
}

impl KeyRange {
    /// Every key that starts with `prefix`.
    pub fn prefix(prefix: &[u8]) -> Self {
        KeyRange {
            start: Bound::Included(prefix.to_vec()),
            end: match prefix_successor(prefix) {
                Some(end) => Bound::Excluded(end),
                None => Bound::Unbounded,
            },
        }
    }

    /// Every key.
    pub fn all() -> Self {
        KeyRange {
            start: Bound::Unbounded,
            end: Bound::Unbounded,
        }
    }

    /// True if no key can lie in the range; ordered maps panic on such inverted bounds.
    pub fn is_empty(&self) -> bool {
        match (&self.start, &self.end) {
            (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
            (Bound::Included(s), Bound::Included(e)) => s > e,
            (Bound::Included(s) | Bound::Excluded(s), Bound::Excluded(e))
            | (Bound::Excluded(s), Bound::Included(e)) => s >= e,
        }
    }

    /// The bounds as borrowed slices, the form ordered maps take.
    pub fn as_slices(&self) -> (Bound<&[u8]>, Bound<&[u8]>) {
        (
            self.start.as_ref().map(Vec::as_slice),
            self.end.as_ref().map(Vec::as_slice),
        )
    }
}

/// The smallest key greater than every key starting with `prefix`, if any.
pub fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

pub type CommitFuture = Pin<Box<dyn Future<Output = Result<(), StorageError>> + Send>>;

/// A storage backend. Every backend passes the conformance suite in `conformance.rs`.
pub trait Engine: Send + Sync + 'static {
    /// The value at `key` in the latest committed state.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;

    /// Visits the keys of `range` in `direction` from one consistent snapshot until `visit`
    /// breaks. `visit` must not call back into the engine.
    // Spelled out rather than aliased: callers and backends already code against this type.
    #[allow(clippy::type_complexity)]
    fn visit(
        &self,
        range: &KeyRange,
        direction: Direction,
        visit: &mut dyn FnMut(&[u8], &[u8]) -> ControlFlow<()>,
    ) -> Result<(), StorageError>;

    /// Applies `batch` atomically, in op order (a later op on the same key wins). The batch is
    /// submitted by the call itself; dropping the future does not withdraw it. The future resolves once the batch is as durable as the
    /// engine's durability promises; a reader sees the batch no later than that.
    fn commit(&self, batch: WriteBatch) -> CommitFuture;

    /// Makes everything committed so far durable (used at shutdown).
    fn flush(&self) -> Result<(), StorageError>;
}

pub type SharedEngine = Arc<dyn Engine>;
