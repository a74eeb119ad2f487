//! Moves item keys written before compact table tags (`0x01` + 8-byte table id, see `keys`)
//! to the current layout. Runs at startup, before anything reads items; each chunk is one
//! atomic commit that writes the new keys and deletes the old ones, so a crash part-way leaves
//! every item under exactly one key and the next start carries on.

use std::ops::{Bound, ControlFlow};

use gannet_model::Error;
use gannet_storage::{Direction, Engine, KeyRange, WriteBatch};

use crate::database::storage_error;
use crate::keys::{LEGACY_DATA_NAMESPACE, split_legacy_item_key, table_prefix};

/// Keys per commit: bounds the memory a chunk holds, whatever the size of the store.
const CHUNK_KEYS: usize = 4096;

/// Rewrites every legacy item key; returns how many moved.
pub(crate) fn migrate_legacy_item_keys(engine: &dyn Engine) -> Result<usize, Error> {
    let mut range = KeyRange::prefix(&[LEGACY_DATA_NAMESPACE]);
    let mut moved = 0;
    loop {
        let mut batch = WriteBatch::new();
        let mut visited = 0;
        let mut last_key = None;
        engine
            .visit(&range, Direction::Forward, &mut |key, value| {
                // A key too short for a table id was never written by Gannet; it stays where it
                // is rather than being dropped.
                if let Some((table_id, rest)) = split_legacy_item_key(key) {
                    let mut moved_key = table_prefix(table_id);
                    moved_key.extend_from_slice(rest);
                    batch.put(moved_key, value.to_vec());
                    batch.delete(key.to_vec());
                    moved += 1;
                }
                visited += 1;
                if visited == CHUNK_KEYS {
                    last_key = Some(key.to_vec());
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .map_err(storage_error)?;
        if !batch.is_empty() {
            // Startup, before the server accepts requests: the engine completes the commit on
            // its own thread, so waiting for it here cannot deadlock.
            pollster::block_on(engine.commit(batch)).map_err(storage_error)?;
        }
        match last_key {
            Some(key) => range.start = Bound::Excluded(key),
            None => break,
        }
    }
    if moved > 0 {
        tracing::info!(keys = moved, "moved item keys to the compact table layout");
    }
    Ok(moved)
}
