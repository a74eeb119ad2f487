//! The value stored for an item: its AWS size up front (so table statistics need no decoding),
//! then the compact item encoding.

use gannet_model::itemcodec::{decode_item, encode_item};
use gannet_model::limits::{MAX_ITEM_SIZE, MAX_NESTED_CONTAINERS, TOO_DEEP};
use gannet_model::plain_batch::PlainItem;
use gannet_model::size::{item_size, nested_containers};
use gannet_model::{Error, Item};

const EMPTY_ATTRIBUTE_NAME: &str = "Empty attribute name";

/// Checks an item about to be written whole (PutItem, batch and transaction puts) against
/// DynamoDB's size and nesting limits; returns its size.
pub fn check_item_limits(item: &Item) -> Result<usize, Error> {
    // Ahead of the size and nesting (DynamoDB reports it ahead of a value nested too deep in
    // the same item, captured 2026-10).
    if item.contains_key("") {
        return Err(Error::validation(EMPTY_ATTRIBUTE_NAME));
    }
    let size = item_size(item);
    if size > MAX_ITEM_SIZE {
        return Err(Error::validation(
            "Item size has exceeded the maximum allowed size",
        ));
    }
    if item
        .values()
        .any(|v| nested_containers(v) > MAX_NESTED_CONTAINERS)
    {
        return Err(Error::validation(TOO_DEEP));
    }
    Ok(size)
}

pub fn encode_stored_item(item: &Item, size: usize) -> Vec<u8> {
    let mut out = stored_item_header(size);
    encode_item(item, &mut out);
    out
}

/// `encode_stored_item` of a plain BatchWriteItem item.
pub fn encode_stored_plain_item(item: &PlainItem<'_>, size: usize) -> Vec<u8> {
    let mut out = stored_item_header(size);
    item.encode(&mut out);
    out
}

/// The size header, in a buffer with room for the encoding after it.
fn stored_item_header(size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 16);
    out.extend_from_slice(&(size as u32).to_le_bytes());
    out
}

pub fn stored_item_size(bytes: &[u8]) -> u64 {
    match bytes.first_chunk::<4>() {
        Some(header) => u64::from(u32::from_le_bytes(*header)),
        None => 0,
    }
}

pub fn decode_stored_item(bytes: &[u8]) -> Result<Item, Error> {
    let body = bytes
        .get(4..)
        .ok_or_else(|| Error::Internal("stored item is truncated".to_owned()))?;
    decode_item(body).map_err(|e| Error::Internal(format!("stored item is unreadable: {e}")))
}
