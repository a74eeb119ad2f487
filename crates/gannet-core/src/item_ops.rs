//! PutItem, GetItem, UpdateItem and DeleteItem.

use std::collections::BTreeMap;

use gannet_expr::{Condition, apply_update};
use gannet_model::api::{
    DeleteItemInput, ExpectedAttributeValue, GetItemInput, GetItemOutput, ItemOutput, PutItemInput,
    UpdateItemInput,
};
use gannet_model::error::ConstraintViolations;
use gannet_model::limits::MAX_ITEM_SIZE;
use gannet_model::names::check_table_name_or_arn;
use gannet_model::size::item_size;
use gannet_model::{AttributeValue, Error, Item};
use gannet_storage::WriteBatch;

use crate::capacity::{CapacityReport, check_item_collection_metrics, read_units, write_units};
use crate::database::{Database, storage_error};
use crate::item_key::{key_attributes, storage_key_from_item, storage_key_from_key};
use crate::legacy;
use crate::request_expressions::{ExpressionMembers, parse_expressions};
use crate::stored_item::{
    check_item_limits, decode_stored_item, encode_stored_item, stored_item_size,
};

/// ReturnValues of the write operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReturnValues {
    None,
    AllOld,
    UpdatedOld,
    AllNew,
    UpdatedNew,
}

const RETURN_VALUES_ENUM: &str =
    "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]";

fn parse_return_values(value: Option<&str>, violations: &mut ConstraintViolations) -> ReturnValues {
    match value {
        None | Some("NONE") => ReturnValues::None,
        Some("ALL_OLD") => ReturnValues::AllOld,
        Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
        Some("ALL_NEW") => ReturnValues::AllNew,
        Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
        Some(other) => {
            violations.invalid(other, "returnValues", RETURN_VALUES_ENUM);
            ReturnValues::None
        }
    }
}

/// Whether a failed condition returns the old item (ReturnValuesOnConditionCheckFailure).
fn parse_return_on_failure(value: Option<&str>, violations: &mut ConstraintViolations) -> bool {
    match value {
        None | Some("NONE") => false,
        Some("ALL_OLD") => true,
        Some(other) => {
            violations.invalid(
                other,
                "returnValuesOnConditionCheckFailure",
                "Member must satisfy enum value set: [ALL_OLD, NONE]",
            );
            false
        }
    }
}

fn check_table_name_member(name: Option<&str>, violations: &mut ConstraintViolations) {
    match name {
        None => violations.null("tableName"),
        Some(name) => check_table_name_or_arn(name, "tableName", violations),
    }
}

/// Fails with ConditionalCheckFailedException unless `condition` holds on `current`.
fn check_condition(
    condition: Option<&Condition>,
    current: Option<&Item>,
    return_on_failure: bool,
) -> Result<(), Error> {
    let Some(condition) = condition else {
        return Ok(());
    };
    let empty = Item::new();
    if condition.matches(current.unwrap_or(&empty)) {
        Ok(())
    } else {
        Err(Error::condition_failed(
            current.filter(|_| return_on_failure).cloned(),
        ))
    }
}

/// The members PutItem and DeleteItem carry besides their item or key.
struct ConditionalWriteMembers<'a> {
    table_name: Option<&'a str>,
    /// ("item", present) or ("key", present).
    subject: (&'static str, bool),
    return_values: Option<&'a str>,
    return_on_failure: Option<&'a str>,
    return_consumed_capacity: Option<&'a str>,
    return_item_collection_metrics: Option<&'a str>,
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a BTreeMap<String, AttributeValue>>,
    condition_expression: Option<&'a str>,
    expected: Option<&'a BTreeMap<String, ExpectedAttributeValue>>,
    conditional_operator: Option<&'a str>,
}

/// What PutItem and DeleteItem validate alike, in DynamoDB's order.
struct ConditionalWrite {
    return_values: ReturnValues,
    return_on_failure: bool,
    capacity: CapacityReport,
    condition: Option<Condition>,
}

fn validate_conditional_write(
    members: ConditionalWriteMembers<'_>,
) -> Result<ConditionalWrite, Error> {
    let mut violations = ConstraintViolations::new();
    check_table_name_member(members.table_name, &mut violations);
    let (subject, subject_present) = members.subject;
    if !subject_present {
        violations.null(subject);
    }
    let return_values = parse_return_values(members.return_values, &mut violations);
    let return_on_failure = parse_return_on_failure(members.return_on_failure, &mut violations);
    violations.into_result()?;
    if !matches!(return_values, ReturnValues::None | ReturnValues::AllOld) {
        return Err(Error::validation(
            "ReturnValues can only be ALL_OLD or NONE",
        ));
    }
    let capacity = CapacityReport::parse(members.return_consumed_capacity)?;
    check_item_collection_metrics(members.return_item_collection_metrics)?;
    let parsed = parse_expressions(
        ExpressionMembers {
            names: members.names,
            values: members.values,
            condition: members.condition_expression,
            allowed: &["ConditionExpression"],
            ..Default::default()
        },
        &[
            ("Expected", members.expected.is_some()),
            (
                "ConditionalOperator",
                members.conditional_operator.is_some(),
            ),
        ],
    )?;
    let condition = match parsed.condition {
        Some(condition) => Some(condition),
        None => legacy::expected_condition(members.expected, members.conditional_operator)?,
    };
    Ok(ConditionalWrite {
        return_values,
        return_on_failure,
        capacity,
        condition,
    })
}

impl Database {
    pub async fn put_item(&self, input: PutItemInput) -> Result<ItemOutput, Error> {
        let write = validate_conditional_write(ConditionalWriteMembers {
            table_name: input.table_name.as_deref(),
            subject: ("item", input.item.is_some()),
            return_values: input.return_values.as_deref(),
            return_on_failure: input.return_values_on_condition_check_failure.as_deref(),
            return_consumed_capacity: input.return_consumed_capacity.as_deref(),
            return_item_collection_metrics: input.return_item_collection_metrics.as_deref(),
            names: input.expression_attribute_names.as_ref(),
            values: input.expression_attribute_values.as_ref(),
            condition_expression: input.condition_expression.as_deref(),
            expected: input.expected.as_ref(),
            conditional_operator: input.conditional_operator.as_deref(),
        })?;
        let ConditionalWrite {
            return_values,
            return_on_failure,
            capacity,
            condition,
        } = write;
        let (Some(table_name), Some(item)) = (input.table_name, input.item) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };

        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_item(table.id, &table.primary_key, &item)?;
        let size = check_item_limits(&item)?;
        let value = encode_stored_item(&item, size);

        let _guard = self.key_locks.lock(&key).await?;
        let needs_old = condition.is_some() || return_values == ReturnValues::AllOld;
        // A replacement costs the larger of the two items, so a capacity report reads the old one.
        let stored = if needs_old || capacity != CapacityReport::None {
            self.engine.get(&key).map_err(storage_error)?
        } else {
            None
        };
        let old_size = stored.as_deref().map_or(0, stored_item_size) as usize;
        let old = match stored.as_deref() {
            Some(bytes) if needs_old => Some(decode_stored_item(bytes)?),
            _ => None,
        };
        check_condition(condition.as_ref(), old.as_ref(), return_on_failure)?;
        let mut batch = WriteBatch::new();
        batch.put(key, value);
        self.commit(batch).await?;
        Ok(ItemOutput {
            attributes: old.filter(|_| return_values == ReturnValues::AllOld),
            consumed_capacity: capacity.report(
                &table.description.table_name,
                write_units(size.max(old_size)),
            ),
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
        let parsed = parse_expressions(
            ExpressionMembers {
                names: input.expression_attribute_names.as_ref(),
                projection: input.projection_expression.as_deref(),
                allowed: &["ProjectionExpression"],
                ..Default::default()
            },
            &[("AttributesToGet", input.attributes_to_get.is_some())],
        )?;
        let projection = match parsed.projection {
            Some(projection) => Some(projection),
            None => legacy::attributes_to_get(input.attributes_to_get.as_deref())?,
        };
        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_key(table.id, &table.primary_key, &key)?;
        let stored = self.engine.get(&key).map_err(storage_error)?;
        let consistent = input.consistent_read.unwrap_or(false);
        let size = stored.as_deref().map(stored_item_size).unwrap_or(0) as usize;
        let item = stored.as_deref().map(decode_stored_item).transpose()?;
        Ok(GetItemOutput {
            item: match (item, projection) {
                (Some(item), Some(projection)) => Some(projection.apply(&item)),
                (item, _) => item,
            },
            consumed_capacity: capacity
                .report(&table.description.table_name, read_units(size, consistent)),
        })
    }

    pub async fn update_item(&self, input: UpdateItemInput) -> Result<ItemOutput, Error> {
        let mut violations = ConstraintViolations::new();
        check_table_name_member(input.table_name.as_deref(), &mut violations);
        if input.key.is_none() {
            violations.null("key");
        }
        let return_values = parse_return_values(input.return_values.as_deref(), &mut violations);
        let return_on_failure = parse_return_on_failure(
            input.return_values_on_condition_check_failure.as_deref(),
            &mut violations,
        );
        violations.into_result()?;
        let (Some(table_name), Some(key)) = (input.table_name, input.key) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };
        let capacity = CapacityReport::parse(input.return_consumed_capacity.as_deref())?;
        check_item_collection_metrics(input.return_item_collection_metrics.as_deref())?;
        let parsed = parse_expressions(
            ExpressionMembers {
                names: input.expression_attribute_names.as_ref(),
                values: input.expression_attribute_values.as_ref(),
                condition: input.condition_expression.as_deref(),
                update: input.update_expression.as_deref(),
                allowed: &["UpdateExpression", "ConditionExpression"],
                ..Default::default()
            },
            &[
                ("AttributeUpdates", input.attribute_updates.is_some()),
                ("Expected", input.expected.is_some()),
                ("ConditionalOperator", input.conditional_operator.is_some()),
            ],
        )?;
        let condition = match parsed.condition {
            Some(condition) => Some(condition),
            None => legacy::expected_condition(
                input.expected.as_ref(),
                input.conditional_operator.as_deref(),
            )?,
        };
        let update = match parsed.update {
            Some(update) => Some(update),
            None => legacy::attribute_updates(input.attribute_updates.as_ref())?,
        };

        let table = self.table_for_items(&table_name)?;
        let storage_key = storage_key_from_key(table.id, &table.primary_key, &key)?;
        let key_names: Vec<&str> = table
            .primary_key
            .attributes()
            .map(|a| a.name.as_str())
            .collect();
        if let Some(update) = update.as_ref() {
            gannet_expr::check_key_attributes_untouched(update, &key_names)?;
        }

        let _guard = self.key_locks.lock(&storage_key).await?;
        let stored = self.engine.get(&storage_key).map_err(storage_error)?;
        let old_size = stored.as_deref().map_or(0, stored_item_size) as usize;
        let old = stored.as_deref().map(decode_stored_item).transpose()?;
        check_condition(condition.as_ref(), old.as_ref(), return_on_failure)?;
        let existed = old.is_some();
        // The old item is kept only when the answer needs it; otherwise it becomes the new one.
        let (new_item, old) = match return_values {
            ReturnValues::AllOld | ReturnValues::UpdatedOld => (old.clone(), old),
            _ => (old, None),
        };
        let mut new_item = new_item.unwrap_or_else(|| key_attributes(&table.primary_key, &key));
        let updated_paths = match update.as_ref() {
            Some(update) => Some(apply_update(&mut new_item, existed, update, &key_names)?),
            None => None,
        };
        let size = item_size(&new_item);
        if size > MAX_ITEM_SIZE {
            return Err(Error::validation(
                "Item size to update has exceeded the maximum allowed size",
            ));
        }
        let mut batch = WriteBatch::new();
        batch.put(storage_key, encode_stored_item(&new_item, size));
        self.commit(batch).await?;

        let attributes = match return_values {
            ReturnValues::None => None,
            ReturnValues::AllOld => old,
            ReturnValues::AllNew => Some(new_item),
            ReturnValues::UpdatedOld => match (old, updated_paths) {
                (Some(old), Some(paths)) => Some(paths.updated_old(&old)),
                _ => None,
            },
            ReturnValues::UpdatedNew => updated_paths.map(|paths| paths.updated_new(&new_item)),
        };
        Ok(ItemOutput {
            attributes: attributes.filter(|item| !item.is_empty()),
            // An update costs the larger of the item before and after it.
            consumed_capacity: capacity.report(
                &table.description.table_name,
                write_units(size.max(old_size)),
            ),
        })
    }

    pub async fn delete_item(&self, input: DeleteItemInput) -> Result<ItemOutput, Error> {
        let write = validate_conditional_write(ConditionalWriteMembers {
            table_name: input.table_name.as_deref(),
            subject: ("key", input.key.is_some()),
            return_values: input.return_values.as_deref(),
            return_on_failure: input.return_values_on_condition_check_failure.as_deref(),
            return_consumed_capacity: input.return_consumed_capacity.as_deref(),
            return_item_collection_metrics: input.return_item_collection_metrics.as_deref(),
            names: input.expression_attribute_names.as_ref(),
            values: input.expression_attribute_values.as_ref(),
            condition_expression: input.condition_expression.as_deref(),
            expected: input.expected.as_ref(),
            conditional_operator: input.conditional_operator.as_deref(),
        })?;
        let ConditionalWrite {
            return_values,
            return_on_failure,
            capacity,
            condition,
        } = write;
        let (Some(table_name), Some(key)) = (input.table_name, input.key) else {
            return Err(Error::Internal("validated members missing".to_owned()));
        };

        let table = self.table_for_items(&table_name)?;
        let key = storage_key_from_key(table.id, &table.primary_key, &key)?;

        let _guard = self.key_locks.lock(&key).await?;
        let stored = self.engine.get(&key).map_err(storage_error)?;
        let size = stored.as_deref().map(stored_item_size).unwrap_or(0) as usize;
        let old = stored.as_deref().map(decode_stored_item).transpose()?;
        check_condition(condition.as_ref(), old.as_ref(), return_on_failure)?;
        if stored.is_some() {
            let mut batch = WriteBatch::new();
            batch.delete(key);
            self.commit(batch).await?;
        }
        Ok(ItemOutput {
            attributes: old.filter(|_| return_values == ReturnValues::AllOld),
            consumed_capacity: capacity.report(&table.description.table_name, write_units(size)),
        })
    }
}
