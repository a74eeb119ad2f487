//! Where things live in the engine's single ordered key space.
//!
//! ```text
//! catalog entry : 0x00 "table/" name                         → TableMeta (JSON)
//! next table id : 0x00 "next-table-id"                       → u64 BE
//! dropped table : 0x00 "dropped/" table_id                   → empty; range still to purge
//! request token : 0x00 "txtoken/" applied_at_ms token         → request fingerprint
//! base item     : tid(table_id) index_id=0 h(pk) enc(pk) enc(sk) → StoredItem
//! ```
//! Table ids are never reused, so a re-created table can never see an old table's items.
//!
//! `tid` is one byte `0x10 + id` for ids below 0xE0, else `0xF0 + (n - 1)` and the id's `n`
//! significant big-endian bytes: prefix-free and ordered like the ids. A short table tag keeps
//! the partition hash inside the first four bytes of a key, which fjall's memtable compares
//! inline before it follows the pointer to the whole key, and keeps short item keys within
//! its 20-byte inline limit; with the earlier fixed `0x01` + 8-byte id every key of the store
//! began with the same ten bytes, so every comparison while inserting loaded the heap key.
//! Keys in that earlier layout begin with [`LEGACY_DATA_NAMESPACE`] and are rewritten at
//! startup (see `layout_migration`).

pub const CATALOG_PREFIX: &[u8] = b"\x00table/";
pub const NEXT_TABLE_ID: &[u8] = b"\x00next-table-id";
pub const DROPPED_PREFIX: &[u8] = b"\x00dropped/";
pub const TOKEN_PREFIX: &[u8] = b"\x00txtoken/";
/// First byte of every item key in the layout before compact table tags.
pub const LEGACY_DATA_NAMESPACE: u8 = 0x01;
const SHORT_TABLE_TAG: u8 = 0x10;
const LONG_TABLE_TAG: u8 = 0xF0;
/// Index id of a table's own items; secondary indexes get 1, 2, …
pub const BASE_INDEX: u8 = 0;

pub fn catalog_key(table_name: &str) -> Vec<u8> {
    let mut key = CATALOG_PREFIX.to_vec();
    key.extend_from_slice(table_name.as_bytes());
    key
}

pub fn dropped_key(table_id: u64) -> Vec<u8> {
    let mut key = DROPPED_PREFIX.to_vec();
    key.extend_from_slice(&table_id.to_be_bytes());
    key
}

/// One key per application of a token, so deleting an expired one can never remove a newer
/// application of the same token.
pub fn token_key(token: &str, applied_at_millis: u64) -> Vec<u8> {
    let mut key = TOKEN_PREFIX.to_vec();
    key.extend_from_slice(&applied_at_millis.to_be_bytes());
    key.extend_from_slice(token.as_bytes());
    key
}

/// (token, applied-at) of a key under `TOKEN_PREFIX`.
pub fn parse_token_key(key: &[u8]) -> Option<(&str, u64)> {
    let rest = key.strip_prefix(TOKEN_PREFIX)?;
    let at = u64::from_be_bytes(*rest.first_chunk::<8>()?);
    let token = std::str::from_utf8(rest.get(8..)?).ok()?;
    Some((token, at))
}

/// Prefix of every key a table owns (base items and index entries).
pub fn table_prefix(table_id: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(MAX_INDEX_PREFIX_LEN);
    push_table_prefix(table_id, &mut key);
    key
}

/// The longest index prefix: a long table tag, 8 id bytes, the index id.
pub const MAX_INDEX_PREFIX_LEN: usize = 10;

fn push_table_prefix(table_id: u64, key: &mut Vec<u8>) {
    match u8::try_from(table_id) {
        Ok(id) if id < LONG_TABLE_TAG - SHORT_TABLE_TAG => key.push(SHORT_TABLE_TAG + id),
        _ => {
            let significant = table_id.to_be_bytes();
            let skip = (table_id.leading_zeros() / 8) as usize;
            let rest = significant.get(skip..).unwrap_or_default();
            // 1 ..= 8 bytes, so the tag stays within 0xF0 ..= 0xF7.
            key.push(LONG_TABLE_TAG + rest.len().saturating_sub(1) as u8);
            key.extend_from_slice(rest);
        }
    }
}

/// The table prefix of `key` in the legacy layout (`0x01` + 8-byte id) and the bytes after it.
pub fn split_legacy_item_key(key: &[u8]) -> Option<(u64, &[u8])> {
    let rest = key.strip_prefix(&[LEGACY_DATA_NAMESPACE])?;
    let id = u64::from_be_bytes(*rest.first_chunk::<8>()?);
    Some((id, rest.get(8..)?))
}

/// Prefix of one index of a table (`BASE_INDEX` for the table's items).
pub fn index_prefix(table_id: u64, index_id: u8) -> Vec<u8> {
    let mut key = Vec::with_capacity(MAX_INDEX_PREFIX_LEN);
    push_index_prefix(table_id, index_id, &mut key);
    key
}

/// Appends `index_prefix(table_id, index_id)` to `key`.
pub fn push_index_prefix(table_id: u64, index_id: u8, key: &mut Vec<u8>) {
    push_table_prefix(table_id, key);
    key.push(index_id);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table_tags_at_the_encoding_boundaries() {
        assert_eq!(table_prefix(0), vec![0x10]);
        assert_eq!(table_prefix(1), vec![0x11]);
        assert_eq!(table_prefix(0xDF), vec![0xEF]);
        assert_eq!(table_prefix(0xE0), vec![0xF0, 0xE0]);
        assert_eq!(table_prefix(0xFF), vec![0xF0, 0xFF]);
        assert_eq!(table_prefix(0x100), vec![0xF1, 0x01, 0x00]);
        assert_eq!(
            table_prefix(u64::MAX),
            vec![0xF7, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
    }

    #[test]
    fn legacy_item_keys_split_into_table_and_rest() {
        let mut key = vec![LEGACY_DATA_NAMESPACE];
        key.extend_from_slice(&7u64.to_be_bytes());
        key.extend_from_slice(b"\x00rest");
        assert_eq!(
            split_legacy_item_key(&key),
            Some((7, b"\x00rest".as_slice()))
        );
        assert_eq!(split_legacy_item_key(&[LEGACY_DATA_NAMESPACE, 0, 0]), None);
        assert_eq!(split_legacy_item_key(b"\x00table/x"), None);
    }

    proptest! {
        /// Distinct tables never share a key: no table's prefix starts another's. Their order
        /// follows the ids, and no tag collides with the catalog's 0x00 or the legacy 0x01.
        #[test]
        fn table_prefixes_are_prefix_free_and_ordered(
            a in prop_oneof![0u64..0x300, any::<u64>()],
            b in prop_oneof![0u64..0x300, any::<u64>()],
        ) {
            let (pa, pb) = (table_prefix(a), table_prefix(b));
            prop_assert!(pa[0] >= SHORT_TABLE_TAG && pa[0] <= LONG_TABLE_TAG + 7);
            prop_assert_eq!(a.cmp(&b), pa.cmp(&pb));
            if a != b {
                prop_assert!(!pb.starts_with(&pa) && !pa.starts_with(&pb));
            }
        }
    }
}
