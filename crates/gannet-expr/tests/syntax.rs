//! The shapes the parsers build: precedence, keyword case, paths and placeholders.

mod common;

use common::{condition, names, projection, update, values};
use gannet_expr::{
    AttributePath, Comparator, Condition, ExpressionKind, Operand, SetValue, UpdateOperand,
};
use gannet_model::{AttributeValue, Number};

fn number(value: i64) -> AttributeValue {
    AttributeValue::N(Number::from_i64(value))
}

fn equals(name: &str, value: i64) -> Condition {
    Condition::Compare {
        left: Operand::Path(AttributePath::top_level(name)),
        comparator: Comparator::Equal,
        right: Operand::Value(number(value)),
    }
}

const ONE_TWO_THREE: &str = r#"{":one": {"N": "1"}, ":two": {"N": "2"}, ":three": {"N": "3"}}"#;

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let parsed = condition(
        ExpressionKind::Filter,
        "a = :one or not b = :two AND c = :three",
        &None,
        &values(ONE_TWO_THREE),
    )
    .unwrap();
    assert_eq!(
        parsed,
        Condition::Or(
            Box::new(equals("a", 1)),
            Box::new(Condition::And(
                Box::new(Condition::Not(Box::new(equals("b", 2)))),
                Box::new(equals("c", 3)),
            )),
        )
    );
}

#[test]
fn keywords_ignore_case_but_function_names_do_not() {
    let parsed = condition(
        ExpressionKind::Condition,
        "a bEtWeEn :one AnD :two",
        &None,
        &values(r#"{":one": {"N": "1"}, ":two": {"N": "2"}}"#),
    )
    .unwrap();
    assert!(matches!(parsed, Condition::Between { .. }));
    let error = condition(
        ExpressionKind::Condition,
        "ATTRIBUTE_EXISTS(a)",
        &None,
        &None,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"
    );
    let parsed = update(
        "set a = :one remove b",
        &None,
        &values(r#"{":one": {"N": "1"}}"#),
    )
    .unwrap();
    assert_eq!(parsed.set.len(), 1);
    assert_eq!(parsed.remove, vec![AttributePath::top_level("b")]);
}

#[test]
fn name_placeholders_are_single_path_elements() {
    let parsed = projection(
        "#a.#b[2].c, #dotted",
        &names(&[("#a", "a"), ("#b", "b"), ("#dotted", "x.y")]),
    )
    .unwrap();
    assert_eq!(
        parsed.paths,
        vec![
            AttributePath::top_level("a")
                .with_attribute("b")
                .with_index(2)
                .with_attribute("c"),
            AttributePath::top_level("x.y"),
        ]
    );
}

#[test]
fn whitespace_is_free_between_tokens() {
    let parsed = update(
        "  SET\ta=:one+ b ,c = list_append( c ,:l )\n",
        &None,
        &values(r#"{":one": {"N": "1"}, ":l": {"L": []}}"#),
    )
    .unwrap();
    assert_eq!(
        parsed.set[0].value,
        SetValue::Plus(
            UpdateOperand::Value(number(1)),
            UpdateOperand::Path(AttributePath::top_level("b"))
        )
    );
    assert!(matches!(
        parsed.set[1].value,
        SetValue::Operand(UpdateOperand::ListAppend(..))
    ));
}

#[test]
fn parentheses_may_wrap_operands_and_conditions() {
    let value_json = r#"{":one": {"N": "1"}}"#;
    for text in [
        "(a) = :one",
        "(a = :one)",
        "a = (:one)",
        "NOT (NOT (a = :one))",
    ] {
        let parsed = condition(ExpressionKind::Condition, text, &None, &values(value_json));
        assert!(parsed.is_ok(), "{text}: {parsed:?}");
    }
}
