//! Turning a request's key (or an item's key attributes) into the item's storage key, with
//! DynamoDB's validation of key shape, types, emptiness and size.

use gannet_model::api::ScalarAttributeType;
use gannet_model::keycodec::{encode_key_value, partition_hash};
use gannet_model::limits::{MAX_PARTITION_KEY_SIZE, MAX_SORT_KEY_SIZE};
use gannet_model::{AttributeValue, Error, Item};

use crate::keys::{BASE_INDEX, index_prefix};
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
    for attribute in primary_key.attributes() {
        let Some(value) = item.get(&attribute.name) else {
            return Err(Error::Validation(format!(
                "One or more parameter values were invalid: Missing the key {} in the item",
                attribute.name
            )));
        };
        if scalar_type(value) != Some(attribute.ty) {
            return Err(Error::Validation(format!(
                "One or more parameter values were invalid: Type mismatch for key {} expected: {} actual: {}",
                attribute.name,
                attribute.ty.as_str(),
                value.type_name()
            )));
        }
        check_key_value(attribute, value, attribute.name == primary_key.hash.name)?;
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
    let mut partition = Vec::with_capacity(32);
    if let Some(value) = item.get(&primary_key.hash.name) {
        encode_key_value(value, &mut partition);
    }
    let mut key = index_prefix(table_id, BASE_INDEX);
    key.extend_from_slice(&partition_hash(&partition).to_be_bytes());
    key.extend_from_slice(&partition);
    if let Some(value) = primary_key.range.as_ref().and_then(|r| item.get(&r.name)) {
        encode_key_value(value, &mut key);
    }
    key
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
