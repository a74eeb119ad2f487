//! Legacy parameters: validation messages and lowering into the expression trees.

mod common;

use std::collections::BTreeMap;

use common::{bicycle, item};
use gannet_expr::apply_update;
use gannet_expr::legacy::{
    lower_attribute_updates, lower_attributes_to_get, lower_expected, lower_filter,
};
use gannet_model::api::{
    AttributeValueUpdate, Condition as LegacyCondition, ExpectedAttributeValue,
};

fn expected(json: &str) -> BTreeMap<String, ExpectedAttributeValue> {
    serde_json::from_str(json).unwrap()
}

fn filter(json: &str) -> BTreeMap<String, LegacyCondition> {
    serde_json::from_str(json).unwrap()
}

#[test]
fn expected_lowers_to_conditions_that_evaluate_like_dynamodb() {
    let item = bicycle();
    let cases = [
        (r#"{"Price": {"Value": {"N": "500"}}}"#, None, true),
        (
            r#"{"Price": {"Exists": true, "Value": {"N": "501"}}}"#,
            None,
            false,
        ),
        (r#"{"Nope": {"Exists": false}}"#, None, true),
        (
            r#"{"Price": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "100"}]}}"#,
            None,
            true,
        ),
        (
            r#"{"Price": {"ComparisonOperator": "NE", "Value": {"N": "1"}}}"#,
            None,
            true,
        ),
        (
            r#"{"Nope": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "1"}]}}"#,
            None,
            true,
        ),
        (r#"{"Nope": {"ComparisonOperator": "NULL"}}"#, None, true),
        (
            r#"{"Price": {"ComparisonOperator": "NOT_NULL"}}"#,
            None,
            true,
        ),
        (
            r#"{"Color": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "Red"}]}}"#,
            None,
            true,
        ),
        (
            r#"{"Nope": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "Red"}]}}"#,
            None,
            false,
        ),
        (
            r#"{"Title": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "Car"}]}}"#,
            None,
            true,
        ),
        (
            r#"{"Title": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "Bicy"}]}}"#,
            None,
            true,
        ),
        (
            r#"{"Price": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "500"}]}}"#,
            None,
            true,
        ),
        (
            r#"{"Price": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "499"}]}}"#,
            None,
            false,
        ),
        (
            r#"{"Price": {"Value": {"N": "500"}}, "Title": {"Value": {"S": "x"}}}"#,
            Some("OR"),
            true,
        ),
        (
            r#"{"Price": {"Value": {"N": "500"}}, "Title": {"Value": {"S": "x"}}}"#,
            Some("AND"),
            false,
        ),
        (
            r#"{"Price": {"Value": {"N": "500"}}, "Title": {"Value": {"S": "x"}}}"#,
            None,
            false,
        ),
    ];
    for (json, operator, matches) in cases {
        let condition = lower_expected(&expected(json), operator)
            .unwrap_or_else(|e| panic!("{json}: {e}"))
            .unwrap();
        assert_eq!(condition.matches(&item), matches, "{json} {operator:?}");
    }
    assert_eq!(lower_expected(&BTreeMap::new(), None).unwrap(), None);
}

#[test]
fn expected_validation_messages() {
    let invalid = "One or more parameter values were invalid: ";
    let cases = [
        (r#"{"a": {"Exists": true}}"#, format!("{invalid}Value must be provided when Exists is true for Attribute: a")),
        (r#"{"a": {}}"#, format!("{invalid}Value must be provided when Exists is null for Attribute: a")),
        (r#"{"a": {"Exists": false, "Value": {"S": "x"}}}"#, format!("{invalid}Value cannot be used when Exists is false for Attribute: a")),
        (r#"{"a": {"Exists": true, "ComparisonOperator": "EQ", "Value": {"S": "x"}}}"#, format!("{invalid}Exists and ComparisonOperator cannot be used together for Attribute: a")),
        (r#"{"a": {"Value": {"S": "x"}, "AttributeValueList": [{"S": "x"}], "ComparisonOperator": "EQ"}}"#, format!("{invalid}Value and AttributeValueList cannot be used together for Attribute: a")),
        (r#"{"a": {"AttributeValueList": [{"S": "x"}]}}"#, format!("{invalid}AttributeValueList can only be used with a ComparisonOperator for Attribute: a")),
        (r#"{"a": {"ComparisonOperator": "EQ"}}"#, format!("{invalid}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a")),
        (r#"{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}]}}"#, format!("{invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator")),
        (r#"{"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"S": "1"}]}}"#, format!("{invalid}AttributeValues inside AttributeValueList must be of same type")),
        (r#"{"a": {"ComparisonOperator": "LT", "AttributeValueList": [{"SS": ["1"]}]}}"#, format!("{invalid}ComparisonOperator LT is not valid for SS AttributeValue type")),
        (r#"{"a": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "5"}, {"N": "1"}]}}"#, "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound".to_owned()),
        (r#"{"a": {"ComparisonOperator": "LIKE", "AttributeValueList": [{"N": "5"}]}}"#, "1 validation error detected: Value 'LIKE' at 'expected.a.member.comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]".to_owned()),
    ];
    for (json, message) in cases {
        let error = lower_expected(&expected(json), None).unwrap_err();
        assert_eq!(error.to_string(), message, "{json}");
    }
    let error = lower_expected(&expected(r#"{"a": {"Exists": false}}"#), Some("XOR")).unwrap_err();
    assert!(error.to_string().contains("conditionalOperator"));
}

#[test]
fn filters_lower_like_expected() {
    let query_filter = filter(
        r#"{"Price": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "500"}]},
            "Brand": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "Company"}]}}"#,
    );
    let condition = lower_filter(&query_filter, None, "queryFilter")
        .unwrap()
        .unwrap();
    assert!(condition.matches(&bicycle()));
    let missing_operator = filter(r#"{"Price": {"AttributeValueList": [{"N": "1"}]}}"#);
    assert_eq!(
        lower_filter(&missing_operator, None, "scanFilter")
            .unwrap_err()
            .to_string(),
        "1 validation error detected: Value null at 'scanFilter.Price.member.comparisonOperator' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn attribute_updates_apply_like_dynamodb() {
    let updates: BTreeMap<String, AttributeValueUpdate> = serde_json::from_str(
        r#"{
            "Title": {"Value": {"S": "New"}},
            "Price": {"Action": "ADD", "Value": {"N": "-100"}},
            "Related": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}},
            "Color": {"Action": "DELETE", "Value": {"SS": ["Red"]}},
            "Comment": {"Action": "DELETE"}
        }"#,
    )
    .unwrap();
    let lowered = lower_attribute_updates(&updates).unwrap();
    let mut target = item(
        r#"{"Id": {"N": "1"}, "Price": {"N": "500"}, "Related": {"L": [{"S": "w"}]},
            "Color": {"SS": ["Red", "Black"]}, "Comment": {"S": "c"}}"#,
    );
    apply_update(&mut target, true, &lowered, &["Id"]).unwrap();
    assert_eq!(
        target,
        item(
            r#"{"Id": {"N": "1"}, "Title": {"S": "New"}, "Price": {"N": "400"},
                "Related": {"L": [{"S": "w"}, {"S": "x"}]}, "Color": {"SS": ["Black"]}}"#
        )
    );
}

#[test]
fn attribute_update_validation_messages() {
    let invalid = "One or more parameter values were invalid: ";
    let cases = [
        (
            r#"{"a": {"Action": "PUT"}}"#,
            format!("{invalid}Only DELETE action is allowed when no attribute value is specified"),
        ),
        (
            r#"{"a": {"Action": "ADD", "Value": {"S": "x"}}}"#,
            format!("{invalid}ADD action is not supported for the type S"),
        ),
        (
            r#"{"a": {"Action": "DELETE", "Value": {"N": "1"}}}"#,
            format!("{invalid}DELETE action with value is not supported for the type N"),
        ),
    ];
    for (json, message) in cases {
        let updates: BTreeMap<String, AttributeValueUpdate> = serde_json::from_str(json).unwrap();
        assert_eq!(
            lower_attribute_updates(&updates).unwrap_err().to_string(),
            message
        );
    }
}

#[test]
fn attributes_to_get_is_a_top_level_projection() {
    let projection =
        lower_attributes_to_get(&["Title".to_owned(), "Safety.Warning".to_owned()]).unwrap();
    assert_eq!(
        projection.apply(&bicycle()),
        item(r#"{"Title": {"S": "Bicycle 123"}, "Safety.Warning": {"S": "Always wear a helmet"}}"#)
    );
    assert_eq!(
        lower_attributes_to_get(&["a".to_owned(), "a".to_owned()])
            .unwrap_err()
            .to_string(),
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    );
    assert!(lower_attributes_to_get(&[]).is_err());
}
