//! Query and Scan: reading many items a page at a time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::{Condition, ConsumedCapacity};
use crate::value::{AttributeValue, Item};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryInput {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub select: Option<String>,
    pub attributes_to_get: Option<Vec<String>>,
    /// Signed so that a negative value is a validation error, not a parse error.
    pub limit: Option<i64>,
    pub consistent_read: Option<bool>,
    pub key_conditions: Option<BTreeMap<String, Condition>>,
    pub query_filter: Option<BTreeMap<String, Condition>>,
    pub conditional_operator: Option<String>,
    pub scan_index_forward: Option<bool>,
    pub exclusive_start_key: Option<Item>,
    pub return_consumed_capacity: Option<String>,
    pub projection_expression: Option<String>,
    pub filter_expression: Option<String>,
    pub key_condition_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "crate::value::deserialize_expression_attribute_values"
    )]
    pub expression_attribute_values: Option<BTreeMap<String, AttributeValue>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanInput {
    pub table_name: Option<String>,
    pub index_name: Option<String>,
    pub attributes_to_get: Option<Vec<String>>,
    pub limit: Option<i64>,
    pub select: Option<String>,
    pub scan_filter: Option<BTreeMap<String, Condition>>,
    pub conditional_operator: Option<String>,
    pub exclusive_start_key: Option<Item>,
    pub return_consumed_capacity: Option<String>,
    pub total_segments: Option<i64>,
    pub segment: Option<i64>,
    pub projection_expression: Option<String>,
    pub filter_expression: Option<String>,
    pub expression_attribute_names: Option<BTreeMap<String, String>>,
    #[serde(
        default,
        deserialize_with = "crate::value::deserialize_expression_attribute_values"
    )]
    pub expression_attribute_values: Option<BTreeMap<String, AttributeValue>>,
    pub consistent_read: Option<bool>,
}

/// The answer to a Query or a Scan: one page of items.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryOutput {
    /// Absent when Select is COUNT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<Item>>,
    pub count: usize,
    pub scanned_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<ConsumedCapacity>,
}

/// Scan answers in the same shape as Query.
pub type ScanOutput = QueryOutput;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_read_every_member() {
        let query: QueryInput = serde_json::from_str(
            r#"{"TableName":"t","IndexName":"i","Select":"COUNT","Limit":-1,
                "ScanIndexForward":false,"ExclusiveStartKey":{"pk":{"S":"a"}},
                "KeyConditionExpression":"pk = :p",
                "ExpressionAttributeValues":{":p":{"S":"a"}},
                "KeyConditions":{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]}}}"#,
        )
        .unwrap();
        assert_eq!(query.limit, Some(-1));
        assert_eq!(query.scan_index_forward, Some(false));
        assert_eq!(query.key_conditions.unwrap().len(), 1);
        let scan: ScanInput =
            serde_json::from_str(r#"{"TableName":"t","Segment":1,"TotalSegments":4}"#).unwrap();
        assert_eq!((scan.segment, scan.total_segments), (Some(1), Some(4)));
    }

    #[test]
    fn output_leaves_out_absent_members() {
        let output = QueryOutput {
            count: 2,
            scanned_count: 3,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&output).unwrap(),
            r#"{"Count":2,"ScannedCount":3}"#
        );
    }
}
