//! Where things live in the engine's single ordered key space.
//!
//! ```text
//! catalog entry : 0x00 "table/" name                         → TableMeta (JSON)
//! next table id : 0x00 "next-table-id"                       → u64 BE
//! dropped table : 0x00 "dropped/" table_id                   → empty; range still to purge
//! request token : 0x00 "txtoken/" applied_at_ms token         → request fingerprint
//! base item     : 0x01 table_id index_id=0 h(pk) enc(pk) enc(sk) → StoredItem
//! ```
//! Table ids are never reused, so a re-created table can never see an old table's items.

pub const CATALOG_PREFIX: &[u8] = b"\x00table/";
pub const NEXT_TABLE_ID: &[u8] = b"\x00next-table-id";
pub const DROPPED_PREFIX: &[u8] = b"\x00dropped/";
pub const TOKEN_PREFIX: &[u8] = b"\x00txtoken/";
const DATA_NAMESPACE: u8 = 0x01;
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
    let mut key = Vec::with_capacity(9);
    key.push(DATA_NAMESPACE);
    key.extend_from_slice(&table_id.to_be_bytes());
    key
}

/// Prefix of one index of a table (`BASE_INDEX` for the table's items).
pub fn index_prefix(table_id: u64, index_id: u8) -> Vec<u8> {
    let mut key = table_prefix(table_id);
    key.push(index_id);
    key
}
