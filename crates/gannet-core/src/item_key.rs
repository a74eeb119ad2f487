//! Turning a request's key (or an item's key attributes) into the item's storage key, with
//! DynamoDB's validation of key shape, types, emptiness and size.

use gannet_model::api::ScalarAttributeType;
use gannet_model::keycodec::{encode_key_value, partition_hash};
use gannet_model::limits::{MAX_PARTITION_KEY_SIZE, MAX_SORT_KEY_SIZE};
use gannet_model::plain_batch::{PlainItem, PlainValue};
use gannet_model::{AttributeValue, Error, Item};

use crate::keys::{BASE_INDEX, MAX_INDEX_PREFIX_LEN, push_index_prefix};
use crate::table_schema::{KeyAttribute, PrimaryKey};

const KEY_MISMATCH: &str = "The provided key element does not match the schema";

/// The storage key of the item `key` names, for GetItem/DeleteItem/UpdateItem `Key` members:
/// exactly the key attributes, of the right types.
pub fn storage_key_from_key(
    table_id: u64,
    primary_key: &PrimaryKey,
    key: &Item,
) -> Result<Vec<u8>, Error> {
    let expected = 1 + usize::from(primary_key.range.is_some());
    if key.len() != expected {
        return Err(Error::validation(KEY_MISMATCH));
    }
    for attribute in primary_key.attributes() {
        match key.get(&attribute.name) {
            Some(value) if scalar_type(value) == Some(attribute.ty) => {
                check_key_value(attribute, value, attribute.name == primary_key.hash.name)?
            }
            _ => return Err(Error::validation(KEY_MISMATCH)),
        }
    }
    Ok(encode_storage_key(table_id, primary_key, key))
}

/// The storage key of `item` for PutItem: every key attribute present, of the right type.
pub fn storage_key_from_item(
    table_id: u64,
    primary_key: &PrimaryKey,
    item: &Item,
) -> Result<Vec<u8>, Error> {
    key_from_item(table_id, primary_key, item, put_key_mismatch)
}

/// PutItem's words for a key attribute that is missing (`None`) or of the wrong type.
fn put_key_mismatch(attribute: &KeyAttribute, value: Option<&AttributeValue>) -> Error {
    match value {
        None => Error::Validation(format!(
            "One or more parameter values were invalid: Missing the key {} in the item",
            attribute.name
        )),
        Some(value) => Error::Validation(format!(
            "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}",
            attribute.name,
            attribute.ty.as_str(),
            value.type_name()
        )),
    }
}

/// What is wrong with the shape of `item`'s key for a Put, whatever the key values are: a key
/// attribute missing or of the wrong type (PutItem's words). Transactions cancel on these
/// instead of refusing the request.
pub fn item_key_shape_error(primary_key: &PrimaryKey, item: &Item) -> Option<Error> {
    primary_key.attributes().find_map(|attribute| {
        let value = item.get(&attribute.name);
        (value.and_then(scalar_type) != Some(attribute.ty))
            .then(|| put_key_mismatch(attribute, value))
    })
}

/// What is wrong with the shape of a `Key` member, whatever its values: other attributes than
/// the key's, or a key attribute of the wrong type.
pub fn key_shape_error(primary_key: &PrimaryKey, key: &Item) -> Option<Error> {
    let expected = 1 + usize::from(primary_key.range.is_some());
    let fits = key.len() == expected
        && primary_key
            .attributes()
            .all(|attribute| key.get(&attribute.name).and_then(scalar_type) == Some(attribute.ty));
    (!fits).then(|| Error::validation(KEY_MISMATCH))
}

/// The storage key of `item` for a BatchWriteItem PutRequest: as for PutItem, but DynamoDB
/// reports a missing or mistyped key attribute in a batch as a key not matching the schema.
pub fn storage_key_from_batch_item(
    table_id: u64,
    primary_key: &PrimaryKey,
    item: &Item,
) -> Result<Vec<u8>, Error> {
    key_from_item(table_id, primary_key, item, |_, _| {
        Error::validation(KEY_MISMATCH)
    })
}

/// `mismatch` words the error for a key attribute that is missing (`None`) or of the wrong type.
fn key_from_item(
    table_id: u64,
    primary_key: &PrimaryKey,
    item: &Item,
    mismatch: impl Fn(&KeyAttribute, Option<&AttributeValue>) -> Error,
) -> Result<Vec<u8>, Error> {
    for attribute in primary_key.attributes() {
        match item.get(&attribute.name) {
            Some(value) if scalar_type(value) == Some(attribute.ty) => {
                check_key_value(attribute, value, attribute.name == primary_key.hash.name)?
            }
            value => return Err(mismatch(attribute, value)),
        }
    }
    Ok(encode_storage_key(table_id, primary_key, item))
}

/// The key attributes of `item` (an item or a validated Key map).
pub fn key_attributes(primary_key: &PrimaryKey, item: &Item) -> Item {
    primary_key
        .attributes()
        .filter_map(|a| item.get(&a.name).map(|v| (a.name.clone(), v.clone())))
        .collect()
}

fn encode_storage_key(table_id: u64, primary_key: &PrimaryKey, item: &Item) -> Vec<u8> {
    let partition_value = item.get(&primary_key.hash.name);
    let sort_value = primary_key.range.as_ref().and_then(|r| item.get(&r.name));
    // One allocation per key: this runs for every item written.
    let mut key = Vec::with_capacity(
        partition_prefix_len_hint(partition_value) + sort_value.map_or(0, encoded_len_hint),
    );
    push_partition_prefix(table_id, partition_value, &mut key);
    if let Some(value) = sort_value {
        encode_key_value(value, &mut key);
    }
    key
}

/// The storage key of a plain BatchWriteItem item (`PlainItem`), or `None` wherever
/// `storage_key_from_batch_item` would refuse the item: the general path then answers.
pub fn storage_key_from_plain_item(
    table_id: u64,
    primary_key: &PrimaryKey,
    item: &PlainItem<'_>,
) -> Option<Vec<u8>> {
    let key_value = |attribute: &KeyAttribute, is_hash: bool| {
        let value = item.get(&attribute.name)?;
        if value.scalar_type() != Some(attribute.ty) {
            return None;
        }
        if let PlainValue::S(s) = value {
            check_key_len(attribute, s.len(), "string", is_hash).ok()?;
        }
        Some(value)
    };
    let partition_value = key_value(&primary_key.hash, true)?;
    let sort_value = match &primary_key.range {
        Some(range) => Some(key_value(range, false)?),
        None => None,
    };
    let mut key = Vec::with_capacity(
        MAX_INDEX_PREFIX_LEN
            + HASH_LEN
            + plain_len_hint(partition_value)
            + sort_value.map_or(0, plain_len_hint),
    );
    push_partition_prefix_with(table_id, |key| partition_value.encode_key(key), &mut key);
    if let Some(value) = sort_value {
        value.encode_key(&mut key);
    }
    Some(key)
}

/// The storage key a plain DeleteRequest's `Key` names, or `None` wherever
/// `storage_key_from_key` would refuse it: exactly the key attributes, of the right types.
pub fn storage_key_from_plain_key(
    table_id: u64,
    primary_key: &PrimaryKey,
    key: &PlainItem<'_>,
) -> Option<Vec<u8>> {
    let expected = 1 + usize::from(primary_key.range.is_some());
    if key.len() != expected {
        return None;
    }
    storage_key_from_plain_item(table_id, primary_key, key)
}

fn plain_len_hint(value: &PlainValue<'_>) -> usize {
    match value {
        PlainValue::S(s) => s.len() + 2,
        PlainValue::N(_) => 22,
        PlainValue::Bool(_) | PlainValue::Null => 0,
    }
}

/// Every storage key of the partition starts with this: table, index, hash, partition key.
pub fn partition_prefix(table_id: u64, partition_value: &AttributeValue) -> Vec<u8> {
    let mut prefix = Vec::with_capacity(partition_prefix_len_hint(Some(partition_value)));
    push_partition_prefix(table_id, Some(partition_value), &mut prefix);
    prefix
}

fn partition_prefix_len_hint(partition_value: Option<&AttributeValue>) -> usize {
    MAX_INDEX_PREFIX_LEN + HASH_LEN + partition_value.map_or(0, encoded_len_hint)
}

fn push_partition_prefix(
    table_id: u64,
    partition_value: Option<&AttributeValue>,
    key: &mut Vec<u8>,
) {
    push_partition_prefix_with(
        table_id,
        |key| {
            if let Some(value) = partition_value {
                encode_key_value(value, key);
            }
        },
        key,
    );
}

/// `encode_partition` appends the encoded partition key value.
fn push_partition_prefix_with(
    table_id: u64,
    encode_partition: impl FnOnce(&mut Vec<u8>),
    key: &mut Vec<u8>,
) {
    push_index_prefix(table_id, BASE_INDEX, key);
    // The hash covers the partition key's encoding, which follows it.
    let hash_at = key.len();
    key.extend_from_slice(&[0; HASH_LEN]);
    encode_partition(key);
    let hash = partition_hash(key.get(hash_at + HASH_LEN..).unwrap_or_default());
    if let Some(slot) = key.get_mut(hash_at..hash_at + HASH_LEN) {
        slot.copy_from_slice(&hash.to_be_bytes());
    }
}

const HASH_LEN: usize = 8;

/// Enough for a key value's encoding unless a string or binary holds zero bytes (each
/// escaped into two), which only costs a reallocation.
fn encoded_len_hint(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len() + 2,
        AttributeValue::B(b) => b.len() + 2,
        // Class and exponent bytes, 38 digits as nibbles, the terminating nibble.
        _ => 22,
    }
}

fn scalar_type(value: &AttributeValue) -> Option<ScalarAttributeType> {
    match value {
        AttributeValue::S(_) => Some(ScalarAttributeType::S),
        AttributeValue::N(_) => Some(ScalarAttributeType::N),
        AttributeValue::B(_) => Some(ScalarAttributeType::B),
        _ => None,
    }
}

fn check_key_value(
    attribute: &KeyAttribute,
    value: &AttributeValue,
    is_hash: bool,
) -> Result<(), Error> {
    let (len, kind) = match value {
        AttributeValue::S(s) => (s.len(), "string"),
        AttributeValue::B(b) => (b.len(), "binary"),
        _ => return Ok(()),
    };
    check_key_len(attribute, len, kind, is_hash)
}

/// The emptiness and size limits of an S or B key value of `len` bytes.
fn check_key_len(
    attribute: &KeyAttribute,
    len: usize,
    kind: &str,
    is_hash: bool,
) -> Result<(), Error> {
    if len == 0 {
        return Err(Error::Validation(format!(
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {}",
            attribute.name
        )));
    }
    if is_hash && len > MAX_PARTITION_KEY_SIZE {
        return Err(Error::Validation(format!(
            "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of{MAX_PARTITION_KEY_SIZE} bytes"
        )));
    }
    if !is_hash && len > MAX_SORT_KEY_SIZE {
        return Err(Error::Validation(format!(
            "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of {MAX_SORT_KEY_SIZE} bytes"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::index_prefix;
    use gannet_model::keycodec::encode_key_value;
    use gannet_model::number::Number;
    use proptest::prelude::*;

    /// The layout spelled out piece by piece, as the key layout in `keys` describes it.
    fn reference_key(
        table_id: u64,
        partition: &AttributeValue,
        sort: Option<&AttributeValue>,
    ) -> Vec<u8> {
        let mut encoded_partition = Vec::new();
        encode_key_value(partition, &mut encoded_partition);
        let mut key = index_prefix(table_id, BASE_INDEX);
        key.extend_from_slice(&partition_hash(&encoded_partition).to_be_bytes());
        key.extend_from_slice(&encoded_partition);
        if let Some(sort) = sort {
            encode_key_value(sort, &mut key);
        }
        key
    }

    fn key_value() -> impl Strategy<Value = AttributeValue> {
        prop_oneof![
            ".{1,40}".prop_map(AttributeValue::S),
            // Zero bytes are escaped into two, past the capacity hint.
            proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 1..40)
                .prop_map(AttributeValue::B),
            any::<i64>().prop_map(|n| AttributeValue::N(Number::from_i64(n))),
        ]
    }

    proptest! {
        #[test]
        fn storage_keys_follow_the_layout(
            table_id in prop_oneof![0u64..300, any::<u64>()],
            partition in key_value(),
            sort in proptest::option::of(key_value()),
        ) {
            let primary_key = PrimaryKey {
                hash: KeyAttribute { name: "pk".into(), ty: scalar_type(&partition).unwrap() },
                range: sort.as_ref().map(|sort| KeyAttribute {
                    name: "sk".into(),
                    ty: scalar_type(sort).unwrap(),
                }),
            };
            let mut item = Item::new();
            item.insert("pk".into(), partition.clone());
            if let Some(sort) = &sort {
                item.insert("sk".into(), sort.clone());
            }
            item.insert("other".into(), AttributeValue::S("x".into()));
            let key = encode_storage_key(table_id, &primary_key, &item);
            prop_assert_eq!(&key, &reference_key(table_id, &partition, sort.as_ref()));
            // Query reads a partition through this prefix.
            prop_assert!(key.starts_with(&partition_prefix(table_id, &partition)));
        }
    }
}
