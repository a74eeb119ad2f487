//! `Expected` (PutItem, UpdateItem, DeleteItem) and `QueryFilter` / `ScanFilter`, lowered to
//! a [`Condition`].

use std::collections::BTreeMap;

use gannet_model::Error;
use gannet_model::api::{Condition as LegacyCondition, ExpectedAttributeValue};

use crate::ast::{Comparator, Condition, Operand};
use crate::path::AttributePath;

use super::comparison::{ComparisonOperator, join_conditions, lower_comparison};

const INVALID: &str = "One or more parameter values were invalid: ";

/// The condition `Expected` and `ConditionalOperator` describe; `None` for an empty map.
pub fn lower_expected(
    expected: &BTreeMap<String, ExpectedAttributeValue>,
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>, Error> {
    let mut conditions = Vec::with_capacity(expected.len());
    for (attribute, entry) in expected {
        conditions.push(lower_expected_entry(attribute, entry)?);
    }
    join_conditions(conditions, conditional_operator)
}

fn lower_expected_entry(
    attribute: &str,
    entry: &ExpectedAttributeValue,
) -> Result<Condition, Error> {
    if entry.attribute_value_list.is_some() && entry.value.is_some() {
        return Err(Error::Validation(format!(
            "{INVALID}Value and AttributeValueList cannot be used together for Attribute: {attribute}"
        )));
    }
    if let Some(operator) = &entry.comparison_operator {
        if entry.exists.is_some() {
            return Err(Error::Validation(format!(
                "{INVALID}Exists and ComparisonOperator cannot be used together for Attribute: {attribute}"
            )));
        }
        let member = format!("expected.{attribute}.member.comparisonOperator");
        let operator = ComparisonOperator::parse(operator, &member)?;
        let takes_no_values = matches!(
            operator,
            ComparisonOperator::Null | ComparisonOperator::NotNull
        );
        if !takes_no_values && entry.attribute_value_list.is_none() && entry.value.is_none() {
            return Err(Error::Validation(format!(
                "{INVALID}Value or AttributeValueList must be used with ComparisonOperator: {} for Attribute: {attribute}",
                operator.name()
            )));
        }
        let values = match (&entry.attribute_value_list, &entry.value) {
            (Some(list), _) => list.clone(),
            (None, Some(value)) => vec![value.clone()],
            (None, None) => Vec::new(),
        };
        return lower_comparison(attribute, operator, &values);
    }
    if entry.attribute_value_list.is_some() {
        return Err(Error::Validation(format!(
            "{INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: {attribute}"
        )));
    }
    let path = AttributePath::top_level(attribute);
    match (entry.exists, &entry.value) {
        (Some(false), None) => Ok(Condition::AttributeNotExists(path)),
        (Some(false), Some(_)) => Err(Error::Validation(format!(
            "{INVALID}Value cannot be used when Exists is false for Attribute: {attribute}"
        ))),
        (exists, None) => Err(Error::Validation(format!(
            "{INVALID}Value must be provided when Exists is {} for Attribute: {attribute}",
            if exists.is_some() { "true" } else { "null" }
        ))),
        (_, Some(value)) => Ok(Condition::Compare {
            left: Operand::Path(path),
            comparator: Comparator::Equal,
            right: Operand::Value(value.clone()),
        }),
    }
}

/// The condition a `QueryFilter` or `ScanFilter` describes; `parameter` is its member name
/// in messages (`queryFilter` or `scanFilter`). `None` for an empty map.
pub fn lower_filter(
    filter: &BTreeMap<String, LegacyCondition>,
    conditional_operator: Option<&str>,
    parameter: &str,
) -> Result<Option<Condition>, Error> {
    let mut conditions = Vec::with_capacity(filter.len());
    for (attribute, entry) in filter {
        conditions.push(lower_legacy_condition(attribute, entry, parameter)?);
    }
    join_conditions(conditions, conditional_operator)
}

/// One `Condition` entry (of a filter or of KeyConditions) as a condition on `attribute`.
fn lower_legacy_condition(
    attribute: &str,
    entry: &LegacyCondition,
    parameter: &str,
) -> Result<Condition, Error> {
    let member = format!("{parameter}.{attribute}.member.comparisonOperator");
    let Some(operator) = &entry.comparison_operator else {
        return Err(Error::Validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        )));
    };
    let operator = ComparisonOperator::parse(operator, &member)?;
    let values = entry.attribute_value_list.clone().unwrap_or_default();
    lower_comparison(attribute, operator, &values)
}
