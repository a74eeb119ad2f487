//! ExclusiveStartKey: validated against the table's key schema and turned into the storage
//! key a page resumes after. Query and Scan word the same mistakes differently.

use gannet_model::api::ScalarAttributeType;
use gannet_model::{AttributeValue, Error, Item};

use crate::item_key::storage_key_from_key;
use crate::table_schema::PrimaryKey;

const INVALID_START_KEY: &str = "The provided starting key is invalid";

/// Scan's ExclusiveStartKey: every problem is "The provided starting key is invalid: …".
pub fn scan_start_key(
    table_id: u64,
    primary_key: &PrimaryKey,
    key: &Item,
) -> Result<Vec<u8>, Error> {
    storage_key_from_key(table_id, primary_key, key).map_err(start_key_error)
}

/// Query's ExclusiveStartKey: a key of the wrong shape is "The provided starting key is
/// invalid", a key attribute of the wrong type "The provided key element does not match the
/// schema", and an unusable value (empty, too large) is prefixed as for Scan.
pub fn query_start_key(
    table_id: u64,
    primary_key: &PrimaryKey,
    key: &Item,
) -> Result<Vec<u8>, Error> {
    let expected = primary_key.attributes().count();
    if key.len() != expected || primary_key.attributes().any(|a| !key.contains_key(&a.name)) {
        return Err(Error::validation(INVALID_START_KEY));
    }
    if primary_key
        .attributes()
        .any(|a| key.get(&a.name).and_then(scalar_type) != Some(a.ty))
    {
        return Err(Error::validation(
            "The provided key element does not match the schema",
        ));
    }
    storage_key_from_key(table_id, primary_key, key).map_err(start_key_error)
}

fn start_key_error(error: Error) -> Error {
    match error {
        Error::Validation(message) => Error::Validation(format!("{INVALID_START_KEY}: {message}")),
        other => other,
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
