//! Single-item operations: PutItem, GetItem, DeleteItem (UpdateItem joins with expressions).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::value::{AttributeValue, Item};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutItemInput {
    pub table_name: Option<String>,
    pub item: Option<Item>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "crate::value::deserialize_expression_attribute_values"
    )]
    pub expression_attribute_values: Option<BTreeMap<String, AttributeValue>>,
    pub expected: Option<BTreeMap<String, crate::api::ExpectedAttributeValue>>,
    pub conditional_operator: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemInput {
    pub table_name: Option<String>,
    pub key: Option<Item>,
    pub consistent_read: Option<bool>,
    pub return_consumed_capacity: Option<String>,
    pub projection_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    pub attributes_to_get: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteItemInput {
    pub table_name: Option<String>,
    pub key: Option<Item>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "crate::value::deserialize_expression_attribute_values"
    )]
    pub expression_attribute_values: Option<BTreeMap<String, AttributeValue>>,
    pub expected: Option<BTreeMap<String, crate::api::ExpectedAttributeValue>>,
    pub conditional_operator: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateItemInput {
    pub table_name: Option<String>,
    pub key: Option<Item>,
    pub return_values: Option<String>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub return_values_on_condition_check_failure: Option<String>,
    pub update_expression: Option<String>,
    pub condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "crate::value::deserialize_expression_attribute_values"
    )]
    pub expression_attribute_values: Option<BTreeMap<String, AttributeValue>>,
    pub attribute_updates: Option<BTreeMap<String, crate::api::AttributeValueUpdate>>,
    pub expected: Option<BTreeMap<String, crate::api::ExpectedAttributeValue>>,
    pub conditional_operator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    pub table_name: String,
    pub capacity_units: f64,
    /// The table's own share, present when ReturnConsumedCapacity is INDEXES.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Capacity>,
}

/// Capacity consumed on one table or index.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Capacity {
    pub capacity_units: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetItemOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}
