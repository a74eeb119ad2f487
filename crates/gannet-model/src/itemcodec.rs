//! Compact binary encoding of items for storage. (stub: helper replaces)
use crate::value::Item;

#[derive(Debug, thiserror::Error)]
#[error("corrupt item encoding")]
pub struct ItemCodecError;

pub fn encode_item(_item: &Item, _out: &mut Vec<u8>) {}

pub fn decode_item(_bytes: &[u8]) -> Result<Item, ItemCodecError> {
    Err(ItemCodecError)
}
