//! Order-preserving, self-delimiting encoding of key attribute values. (stub: helper replaces)
use crate::api::ScalarAttributeType;
use crate::value::AttributeValue;

#[derive(Debug, thiserror::Error)]
#[error("corrupt key encoding")]
pub struct KeyCodecError;

/// Appends the encoding of a key value (S, N or B) to `out`.
pub fn encode_key_value(_v: &AttributeValue, _out: &mut Vec<u8>) {}

/// Decodes one key value of type `ty` from the front of `bytes`; returns it and the bytes used.
pub fn decode_key_value(
    _ty: ScalarAttributeType,
    _bytes: &[u8],
) -> Result<(AttributeValue, usize), KeyCodecError> {
    Err(KeyCodecError)
}

/// Fixed 64-bit hash of an encoded partition key: Scan order and parallel-scan segments.
pub fn partition_hash(encoded_pk: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(encoded_pk)
}
