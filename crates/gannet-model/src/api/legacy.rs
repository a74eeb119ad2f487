//! The legacy (pre-expression) conditional and update parameters: `Expected`,
//! `AttributeUpdates`, `QueryFilter`, `ScanFilter` and `KeyConditions`. Every member stays
//! optional so validation can answer a missing one with AWS's wording.

use serde::Deserialize;

use crate::value::AttributeValue;

/// One entry of `Expected`: either `Value`/`Exists` or `ComparisonOperator` with
/// `AttributeValueList`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExpectedAttributeValue {
    pub value: Option<AttributeValue>,
    pub exists: Option<bool>,
    pub comparison_operator: Option<String>,
    pub attribute_value_list: Option<Vec<AttributeValue>>,
}

/// One entry of `AttributeUpdates`: `Action` is PUT (the default), ADD or DELETE.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeValueUpdate {
    pub value: Option<AttributeValue>,
    pub action: Option<String>,
}

/// One entry of `QueryFilter`, `ScanFilter` or `KeyConditions`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Condition {
    pub attribute_value_list: Option<Vec<AttributeValue>>,
    pub comparison_operator: Option<String>,
}
