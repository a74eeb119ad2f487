//! PutItem, GetItem and DeleteItem.

use gannet_model::api::{
    DeleteItemInput, GetItemInput, GetItemOutput, ItemOutput, PutItemInput,
};
use gannet_model::error::ConstraintViolations;
use gannet_model::limits::MAX_ITEM_SIZE;
use gannet_model::names::check_table_name;
use gannet_model::size::item_size;
use gannet_model::{Error, Item};
use gannet_storage::WriteBatch;

use crate::capacity::{CapacityReport, read_units, write_units};
use crate::database::{Database, storage_error};
use crate::item_key::{storage_key_from_item, storage_key_from_key};
use crate::stored_item::{decode_stored_item, encode_stored_item, stored_item_size};

/// ReturnValues of PutItem and DeleteItem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReturnOld {
    None,
    AllOld,
}

const RETURN_VALUES_ENUM: &str =
    "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]";

fn parse_return_old(value: Option<&str>, violations: &mut ConstraintViolations) -> Option<ReturnOld> {
    match value {
        None | Some("NONE") => Some(ReturnOld::None),
        Some("ALL_OLD") => Some(ReturnOld::AllOld),
        Some("ALL_NEW" | "UPDATED_OLD" | "UPDATED_NEW") => None,
        Some(other) => {
            violations.invalid(other, "returnValues", RETURN_VALUES_ENUM);
            Some(ReturnOld::None)
        }
    }
}

fn check_table_name_member(name: Option<&str>, violations: &mut ConstraintViolations) {
    match name {
        None => violations.null("tableName"),
        Some(name) => check_table_name(name, "tableName", violations),
    }
}

/// Rejects the expression and legacy condition members until the expression evaluator is wired
/// in, rather than silently writing without checking the condition.
fn reject_conditions(condition: Option<&str>, expected: Option<&serde_json::Value>) -> Result<(), Error> {
    if condition.is_some() || expected.is_some() {
        return Err(Error::validation(
            "Gannet does not support conditional writes yet (ConditionExpression / Expected)",
        ));
    }
    Ok(())
}

impl Database {
    pub async fn put_item(&self, input: PutItemInput) -> Result<ItemOutput, Error> {
        let mut violations = ConstraintViolations::new();
        check_table_name_member(input.table_name.as_deref(), &mut violations);
        if input.item.is_none() {
            violations.null("item");
        }
        let return_old = parse_return_old(input.return_values.as_deref(), &mut violations);
        violations.into_result()?;
        let (Some(table_name), Some(item)) = (input.table_name, input.item) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let Some(return_old) = return_old else {
            return Err(Error::validation("ReturnValues can only be ALL_OLD or NONE"));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;
        reject_conditions(input.condition_expression.as_deref(), input.expected.as_ref())?;

        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_item(table.id, &table.primary_key, &item)?;
        let size = item_size(&item);
        if size > MAX_ITEM_SIZE {
            return Err(Error::validation(
                "Item size has exceeded the maximum allowed size",
            ));
        }
        let value = encode_stored_item(&item, size);

        let _guard = self.key_locks.lock(&key).await;
        let old = match return_old {
            ReturnOld::AllOld => self.read_item(&key)?,
            ReturnOld::None => None,
        };
        let mut batch = WriteBatch::new();
        batch.put(key, value);
        self.commit(batch).await?;
        Ok(ItemOutput {
            attributes: old,
            consumed_capacity: capacity.report(&table_name, write_units(size)),
        })
    }

    pub fn get_item(&self, input: GetItemInput) -> Result<GetItemOutput, Error> {
        let mut violations = ConstraintViolations::new();
        check_table_name_member(input.table_name.as_deref(), &mut violations);
        if input.key.is_none() {
            violations.null("key");
        }
        violations.into_result()?;
        let (Some(table_name), Some(key)) = (input.table_name, input.key) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;
        if input.projection_expression.is_some() || input.attributes_to_get.is_some() {
            return Err(Error::validation(
                "Gannet does not support projections yet (ProjectionExpression / AttributesToGet)",
            ));
        }
        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_key(table.id, &table.primary_key, &key)?;
        let stored = self.engine.get(&key).map_err(storage_error)?;
        let consistent = input.consistent_read.unwrap_or(false);
        let size = stored.as_deref().map(stored_item_size).unwrap_or(0) as usize;
        let item = stored.as_deref().map(decode_stored_item).transpose()?;
        Ok(GetItemOutput {
            item,
            consumed_capacity: capacity.report(&table_name, read_units(size, consistent)),
        })
    }

    pub async fn delete_item(&self, input: DeleteItemInput) -> Result<ItemOutput, Error> {
        let mut violations = ConstraintViolations::new();
        check_table_name_member(input.table_name.as_deref(), &mut violations);
        if input.key.is_none() {
            violations.null("key");
        }
        let return_old = parse_return_old(input.return_values.as_deref(), &mut violations);
        violations.into_result()?;
        let (Some(table_name), Some(key)) = (input.table_name, input.key) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let Some(return_old) = return_old else {
            return Err(Error::validation("ReturnValues can only be ALL_OLD or NONE"));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;
        reject_conditions(input.condition_expression.as_deref(), input.expected.as_ref())?;

        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_key(table.id, &table.primary_key, &key)?;

        let _guard = self.key_locks.lock(&key).await;
        let stored = self.engine.get(&key).map_err(storage_error)?;
        let size = stored.as_deref().map(stored_item_size).unwrap_or(0) as usize;
        let old = match (&stored, return_old) {
            (Some(bytes), ReturnOld::AllOld) => Some(decode_stored_item(bytes)?),
            _ => None,
        };
        if stored.is_some() {
            let mut batch = WriteBatch::new();
            batch.delete(key);
            self.commit(batch).await?;
        }
        Ok(ItemOutput {
            attributes: old,
            consumed_capacity: capacity.report(&table_name, write_units(size)),
        })
    }

    fn read_item(&self, key: &[u8]) -> Result<Option<Item>, Error> {
        self.engine
            .get(key)
            .map_err(storage_error)?
            .as_deref()
            .map(decode_stored_item)
            .transpose()
    }
}
