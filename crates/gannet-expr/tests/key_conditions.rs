//! Query key conditions from KeyConditionExpression and from legacy KeyConditions.

mod common;

use std::collections::BTreeMap;

use common::{condition, item, names, values};
use gannet_expr::{ExpressionKind, KeyCondition, SortKeyRange};
use gannet_model::AttributeValue;
use gannet_model::api::Condition as LegacyCondition;

fn key_condition(text: &str, value_json: &str) -> Result<KeyCondition, String> {
    let parsed = condition(
        ExpressionKind::KeyCondition,
        text,
        &names(&[("#d", "date")]).filter(|_| text.contains("#d")),
        &values(value_json),
    )
    .map_err(|e| e.to_string())?;
    KeyCondition::from_condition(&parsed, "pk", Some("sk")).map_err(|e| e.to_string())
}

const VALUES: &str = r#"{":p": {"S": "user#1"}, ":a": {"S": "2024"}, ":b": {"S": "2025"}}"#;

#[test]
fn accepted_shapes() {
    let plain = key_condition("pk = :p", r#"{":p": {"S": "user#1"}}"#).unwrap();
    assert_eq!(
        plain.partition_value,
        AttributeValue::S("user#1".to_owned())
    );
    assert_eq!(plain.sort_key, None);

    let between = key_condition("pk = :p AND sk BETWEEN :a AND :b", VALUES).unwrap();
    assert_eq!(
        between.sort_key.unwrap().range,
        SortKeyRange::Between(
            AttributeValue::S("2024".to_owned()),
            AttributeValue::S("2025".to_owned())
        )
    );

    let mirrored = key_condition(
        ":a < sk AND :p = pk",
        r#"{":p": {"S": "u"}, ":a": {"S": "2024"}}"#,
    )
    .unwrap();
    assert_eq!(
        mirrored.sort_key.unwrap().range,
        SortKeyRange::Greater(AttributeValue::S("2024".to_owned()))
    );

    let prefix = key_condition(
        "begins_with(sk, :a) AND pk = :p",
        r#"{":p": {"S": "u"}, ":a": {"S": "20"}}"#,
    )
    .unwrap();
    assert!(prefix.matches(&item(r#"{"pk": {"S": "u"}, "sk": {"S": "2025-01"}}"#)));
    assert!(!prefix.matches(&item(r#"{"pk": {"S": "u"}, "sk": {"S": "1999"}}"#)));
    assert!(!prefix.matches(&item(r#"{"pk": {"S": "v"}, "sk": {"S": "2025"}}"#)));
}

#[test]
fn rejected_shapes() {
    let one = r#"{":p": {"S": "u"}}"#;
    let two = r#"{":p": {"S": "u"}, ":a": {"S": "a"}}"#;
    let cases = [
        (
            "pk = :p OR sk = :a",
            two,
            "Invalid operator used in KeyConditionExpression: OR",
        ),
        (
            "pk = :p AND sk <> :a",
            two,
            "Invalid operator used in KeyConditionExpression: <>",
        ),
        (
            "pk = :p AND attribute_exists(sk)",
            one,
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        (
            "pk = :p AND pk = :a",
            two,
            "KeyConditionExpressions must only contain one condition per key",
        ),
        (
            "pk = sk",
            "",
            "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
        ),
        (
            "pk.x = :p",
            one,
            "KeyConditionExpressions cannot have conditions on nested attributes",
        ),
        (
            "sk = :a",
            r#"{":a": {"S": "a"}}"#,
            "Query condition missed key schema element: pk",
        ),
        ("pk < :p", one, "Query key condition not supported"),
        (
            "sk = :a AND colour = :p",
            two,
            "Query condition missed key schema element: pk",
        ),
        (
            "pk = :p AND colour = :a",
            two,
            "Query condition missed key schema element: sk",
        ),
        (
            "pk = :p AND size(sk) = :a",
            two,
            "KeyConditionExpressions cannot contain nested operations",
        ),
    ];
    for (text, value_json, expected) in cases {
        assert_eq!(
            key_condition(text, value_json).unwrap_err(),
            expected,
            "{text}"
        );
    }
}

#[test]
fn legacy_key_conditions() {
    let conditions: BTreeMap<String, LegacyCondition> = serde_json::from_str(
        r#"{"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "u"}]},
            "sk": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "10"}]}}"#,
    )
    .unwrap();
    let key = KeyCondition::from_key_conditions(&conditions, "pk", Some("sk")).unwrap();
    assert!(key.matches(&item(r#"{"pk": {"S": "u"}, "sk": {"N": "10.0"}}"#)));
    assert!(!key.matches(&item(r#"{"pk": {"S": "u"}, "sk": {"N": "9"}}"#)));

    let unsupported: BTreeMap<String, LegacyCondition> = serde_json::from_str(
        r#"{"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "u"}]}}"#,
    )
    .unwrap();
    assert_eq!(
        KeyCondition::from_key_conditions(&unsupported, "pk", None)
            .unwrap_err()
            .to_string(),
        "Attempted conditional constraint is not an indexable operation"
    );
}
