//! Parse-time errors carry DynamoDB's exact messages.

mod common;

use common::{condition, names, projection, update, values};
use gannet_expr::{ExpressionContext, ExpressionKind};

fn condition_error(expression: &str, name_pairs: &[(&str, &str)], value_json: &str) -> String {
    condition(
        ExpressionKind::Condition,
        expression,
        &names(name_pairs),
        &values(value_json),
    )
    .map(|_| "parsed".to_owned())
    .unwrap_or_else(|e| e.to_string())
}

fn update_error(expression: &str, name_pairs: &[(&str, &str)], value_json: &str) -> String {
    update(expression, &names(name_pairs), &values(value_json))
        .map(|_| "parsed".to_owned())
        .unwrap_or_else(|e| e.to_string())
}

fn projection_error(expression: &str, name_pairs: &[(&str, &str)]) -> String {
    projection(expression, &names(name_pairs))
        .map(|_| "parsed".to_owned())
        .unwrap_or_else(|e| e.to_string())
}

const V: &str = r#"{":v": {"S": "x"}}"#;

#[test]
fn syntax_errors_quote_the_token_and_its_neighbours() {
    let cases = [
        (
            "a-b",
            "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"",
        ),
        (
            "attribute_exists(a) AND NOT #n",
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"#n\"",
        ),
        (
            "a = ",
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"",
        ),
        (
            "a = :v :v",
            "Invalid ConditionExpression: Syntax error; token: \":v\", near: \":v :v\"",
        ),
        (
            "a != :v",
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a !=\"",
        ),
        (
            "a = :v AND",
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"",
        ),
        (
            "a = AND",
            "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"= AND\"",
        ),
        (
            "()",
            "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"",
        ),
        (
            "a[x] = :v",
            "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"",
        ),
    ];
    for (expression, expected) in cases {
        let name_pairs: &[(&str, &str)] = if expression.contains("#n") {
            &[("#n", "n")]
        } else {
            &[]
        };
        let value_json = if expression.contains(":v") { V } else { "" };
        assert_eq!(
            condition_error(expression, name_pairs, value_json),
            expected,
            "{expression}"
        );
    }
    assert_eq!(
        update_error("INVALID SYNTAX HERE", &[], ""),
        "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\""
    );
    assert_eq!(
        update_error("ADD hits : incr", &[], ""),
        "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\""
    );
    assert_eq!(
        update_error("SET _123 = :v", &[], V),
        "Invalid UpdateExpression: Syntax error; token: \"_\", near: \"SET _123\""
    );
    assert_eq!(
        projection_error("!!", &[]),
        "Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\""
    );
    assert_eq!(
        projection_error("a,", &[]),
        "Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\""
    );
}

#[test]
fn empty_and_oversized_expressions() {
    assert_eq!(
        condition_error("", &[], ""),
        "Invalid ConditionExpression: The expression can not be empty;"
    );
    assert_eq!(
        update_error("", &[], ""),
        "Invalid UpdateExpression: The expression can not be empty;"
    );
    let long = format!("{} = :v", "a".repeat(4093));
    assert_eq!(
        condition_error(&long, &[], V),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4098"
    );
    let at_limit = format!("{} = :v", "a".repeat(4091));
    assert_eq!(condition_error(&at_limit, &[], V), "parsed");
}

#[test]
fn reserved_words_must_go_through_placeholders() {
    assert_eq!(
        update_error("SET name = :v", &[], V),
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"
    );
    assert_eq!(
        condition_error("a.Status = :v", &[], V),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status"
    );
    assert_eq!(projection_error("#n", &[("#n", "name")]), "parsed");
    assert_eq!(
        projection_error("Size", &[]),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Size"
    );
}

#[test]
fn placeholders_must_be_defined_and_used() {
    assert_eq!(
        condition_error("#n = :v", &[], V),
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n"
    );
    assert_eq!(
        update_error("SET a = :w", &[], V),
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :w"
    );
    assert_eq!(
        condition_error("a = :v", &[("#a", "a")], V),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"
    );
    assert_eq!(
        condition_error("a = :v", &[], r#"{":v": {"S": "x"}, ":w": {"S": "y"}}"#),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    );
}

#[test]
fn unused_check_spans_every_expression_of_the_request() {
    let names = names(&[("#c", "c"), ("#p", "p")]);
    let values = values(r#"{":v": {"N": "1"}, ":zero": {"N": "0"}}"#);
    let mut context = ExpressionContext::new(names.as_ref(), values.as_ref()).unwrap();
    context
        .parse_condition(ExpressionKind::Condition, "#c > :zero")
        .unwrap();
    context.parse_update("SET b = :v").unwrap();
    assert_eq!(
        context.check_unused().unwrap_err().to_string(),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#p}"
    );
    context.parse_projection("#p").unwrap();
    context.check_unused().unwrap();
}

#[test]
fn update_structure_errors() {
    let two = r#"{":v": {"N": "1"}, ":w": {"N": "2"}}"#;
    assert_eq!(
        update_error("SET a = :v SET b = :w", &[], two),
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;"
    );
    assert_eq!(
        update_error("SET a = :v REMOVE a.b", &[], r#"{":v": {"N": "1"}}"#),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        update_error("SET a.b = :v, a[1] = :w", &[], two),
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"
    );
    assert_eq!(
        update_error(
            "SET a = :s + :v",
            &[],
            r#"{":s": {"S": "x"}, ":v": {"N": "1"}}"#
        ),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"
    );
    assert_eq!(
        update_error("ADD a :v", &[], r#"{":v": {"L": []}}"#),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"
    );
    assert_eq!(
        update_error("DELETE a :v", &[], r#"{":v": {"N": "1"}}"#),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"
    );
    assert_eq!(
        update_error("SET a = f(b)", &[], ""),
        "Invalid UpdateExpression: Invalid function name; function: f"
    );
    assert_eq!(
        update_error("SET a = list_append(:v)", &[], r#"{":v": {"L": []}}"#),
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"
    );
    assert_eq!(
        update_error(
            "SET a = if_not_exists(:v, :v)",
            &[],
            r#"{":v": {"N": "1"}}"#
        ),
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
    );
    assert_eq!(
        update_error(
            "SET a = list_append(list_append(:v, :v), :v)",
            &[],
            r#"{":v": {"L": []}}"#
        ),
        "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"
    );
    assert_eq!(
        update_error("SET a = :v + :v + :v", &[], r#"{":v": {"N": "1"}}"#),
        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":v + :v\""
    );
}

#[test]
fn condition_function_errors() {
    assert_eq!(
        condition_error("nope(a)", &[], ""),
        "Invalid ConditionExpression: Invalid function name; function: nope"
    );
    assert_eq!(
        condition_error("begins_with(a)", &[], ""),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
    );
    assert_eq!(
        condition_error("attribute_exists(:v)", &[], V),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
    );
    assert_eq!(
        condition_error("begins_with(a, :n)", &[], r#"{":n": {"N": "1"}}"#),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        condition_error("attribute_type(a, :t)", &[], r#"{":t": {"S": "STRING"}}"#),
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    );
    assert_eq!(
        condition_error("size(a)", &[], ""),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    );
    assert_eq!(
        condition_error("attribute_exists(a) = :v", &[], V),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"
    );
    assert_eq!(
        condition_error("a = a", &[], ""),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]"
    );
    assert_eq!(
        condition_error("((a = :v))", &[], V),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    assert_eq!(
        condition_error(
            "a BETWEEN :hi AND :lo",
            &[],
            r#"{":lo": {"N": "1"}, ":hi": {"N": "5"}}"#
        ),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
    );
    assert_eq!(
        condition_error(
            "a BETWEEN :s AND :n",
            &[],
            r#"{":s": {"S": "a"}, ":n": {"N": "1"}}"#
        ),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {S:a}, upper bound operand: AttributeValue: {N:1}"
    );
}

#[test]
fn filter_and_key_condition_errors_name_their_parameter() {
    let error = condition(ExpressionKind::Filter, "a = ", &None, &None).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Invalid FilterExpression: Syntax error")
    );
    let error = condition(ExpressionKind::KeyCondition, "a = ", &None, &None).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Invalid KeyConditionExpression: Syntax error")
    );
}

#[test]
fn limits() {
    let many_values: String = (0..101)
        .map(|i| format!(":v{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let value_json = format!(
        "{{{}}}",
        (0..101)
            .map(|i| format!("\":v{i}\": {{\"N\": \"{i}\"}}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let error = condition_error(&format!("a IN ({many_values})"), &[], &value_json);
    assert!(error.contains("100"), "{error}");

    let operators = vec!["a < :v"; 151].join(" AND ");
    assert_eq!(
        condition_error(&operators, &[], V),
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
    );

    let deep_path = format!("a{}", ".b".repeat(32));
    let error = projection_error(&deep_path, &[]);
    assert!(error.contains("nesting levels"), "{error}");

    let nested = format!("{}a = :v{}", "(".repeat(1000), ")".repeat(1000));
    let error = condition_error(&nested, &[], V);
    assert!(error.starts_with("Invalid ConditionExpression:"), "{error}");
}

#[test]
fn placeholder_maps_are_checked_for_shape() {
    let error = condition(
        ExpressionKind::Condition,
        "a = :v",
        &names(&[("a", "b")]),
        &None,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\""
    );
}
