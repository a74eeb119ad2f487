//! UpdateItem semantics: the developer guide's update examples and DynamoDB's documented
//! edge cases, applied to items.

mod common;

use common::{item, names, update, values};
use gannet_expr::apply_update;
use gannet_model::Item;

/// Applies `expression` to `before` (an existing item keyed by `Id`) and returns the result.
fn apply(before: &str, expression: &str, value_json: &str) -> Result<Item, String> {
    let mut target = item(before);
    let parsed = update(expression, &None, &values(value_json)).map_err(|e| e.to_string())?;
    apply_update(&mut target, true, &parsed, &["Id"]).map_err(|e| e.to_string())?;
    Ok(target)
}

struct Case {
    before: &'static str,
    expression: &'static str,
    values: &'static str,
    after: &'static str,
}

const CASES: &[Case] = &[
    // SET a top-level attribute, creating it.
    Case {
        before: r#"{"Id": {"N": "1"}}"#,
        expression: "SET ProductCategory = :c, Price = :p",
        values: r#"{":c": {"S": "Hardware"}, ":p": {"N": "60"}}"#,
        after: r#"{"Id": {"N": "1"}, "ProductCategory": {"S": "Hardware"}, "Price": {"N": "60"}}"#,
    },
    // SET nested map and list paths.
    Case {
        before: r#"{"Id": {"N": "1"}, "ProductReviews": {"M": {"FiveStar": {"L": [{"S": "a"}]}}}}"#,
        expression: "SET ProductReviews.FiveStar[0] = :r1, ProductReviews.OneStar = :r2",
        values: r#"{":r1": {"S": "b"}, ":r2": {"L": [{"S": "c"}]}}"#,
        after: r#"{"Id": {"N": "1"}, "ProductReviews": {"M": {"FiveStar": {"L": [{"S": "b"}]}, "OneStar": {"L": [{"S": "c"}]}}}}"#,
    },
    // Arithmetic: decrement, exact decimals.
    Case {
        before: r#"{"Id": {"N": "1"}, "Price": {"N": "0.3"}}"#,
        expression: "SET Price = Price - :p",
        values: r#"{":p": {"N": "0.1"}}"#,
        after: r#"{"Id": {"N": "1"}, "Price": {"N": "0.2"}}"#,
    },
    // list_append at either end.
    Case {
        before: r#"{"Id": {"N": "1"}, "Colors": {"L": [{"S": "Red"}]}}"#,
        expression: "SET Colors = list_append(:front, Colors)",
        values: r#"{":front": {"L": [{"S": "Black"}]}}"#,
        after: r#"{"Id": {"N": "1"}, "Colors": {"L": [{"S": "Black"}, {"S": "Red"}]}}"#,
    },
    Case {
        before: r#"{"Id": {"N": "1"}}"#,
        expression: "SET Colors = list_append(if_not_exists(Colors, :empty), :more)",
        values: r#"{":empty": {"L": []}, ":more": {"L": [{"S": "Blue"}]}}"#,
        after: r#"{"Id": {"N": "1"}, "Colors": {"L": [{"S": "Blue"}]}}"#,
    },
    // if_not_exists keeps an existing value.
    Case {
        before: r#"{"Id": {"N": "1"}, "Price": {"N": "100"}}"#,
        expression: "SET Price = if_not_exists(Price, :p)",
        values: r#"{":p": {"N": "200"}}"#,
        after: r#"{"Id": {"N": "1"}, "Price": {"N": "100"}}"#,
    },
    // Counter idiom.
    Case {
        before: r#"{"Id": {"N": "1"}}"#,
        expression: "SET hits = if_not_exists(hits, :zero) + :one",
        values: r#"{":zero": {"N": "0"}, ":one": {"N": "1"}}"#,
        after: r#"{"Id": {"N": "1"}, "hits": {"N": "1"}}"#,
    },
    // Index past the end appends; several appends land in index order.
    Case {
        before: r#"{"Id": {"N": "1"}, "a": {"L": [{"S": "one"}]}}"#,
        expression: "SET a[84] = :a1, a[37] = :a2, a[17] = :a3",
        values: r#"{":a1": {"S": "a1"}, ":a2": {"S": "a2"}, ":a3": {"S": "a3"}}"#,
        after: r#"{"Id": {"N": "1"}, "a": {"L": [{"S": "one"}, {"S": "a3"}, {"S": "a2"}, {"S": "a1"}]}}"#,
    },
    // REMOVE several list elements by their original indexes, plus a map key.
    Case {
        before: r#"{"Id": {"N": "1"}, "RelatedItems": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]}, "m": {"M": {"k": {"S": "v"}}}}"#,
        expression: "REMOVE RelatedItems[1], RelatedItems[2], m.k, Absent",
        values: "",
        after: r#"{"Id": {"N": "1"}, "RelatedItems": {"L": [{"N": "0"}, {"N": "3"}]}, "m": {"M": {}}}"#,
    },
    // REMOVE and SET in one list both use original indexes.
    Case {
        before: r#"{"Id": {"N": "1"}, "a": {"L": [{"N": "2"}, {"N": "3"}, {"N": "4"}, {"N": "5"}, {"N": "6"}, {"N": "7"}]}}"#,
        expression: "REMOVE a[1] SET a[3] = :v",
        values: r#"{":v": {"N": "17"}}"#,
        after: r#"{"Id": {"N": "1"}, "a": {"L": [{"N": "2"}, {"N": "4"}, {"N": "17"}, {"N": "6"}, {"N": "7"}]}}"#,
    },
    // Reads happen before writes.
    Case {
        before: r#"{"Id": {"N": "1"}, "a": {"S": "hello"}}"#,
        expression: "REMOVE a SET b = a",
        values: "",
        after: r#"{"Id": {"N": "1"}, "b": {"S": "hello"}}"#,
    },
    // ADD to numbers, missing counts as zero.
    Case {
        before: r#"{"Id": {"N": "1"}, "q": {"N": "5"}}"#,
        expression: "ADD q :n, fresh :n",
        values: r#"{":n": {"N": "-2.5"}}"#,
        after: r#"{"Id": {"N": "1"}, "q": {"N": "2.5"}, "fresh": {"N": "-2.5"}}"#,
    },
    // ADD to sets, creating one if missing.
    Case {
        before: r#"{"Id": {"N": "1"}, "Color": {"SS": ["Red"]}}"#,
        expression: "ADD Color :c, Sizes :s",
        values: r#"{":c": {"SS": ["Red", "Orange"]}, ":s": {"NS": ["1"]}}"#,
        after: r#"{"Id": {"N": "1"}, "Color": {"SS": ["Red", "Orange"]}, "Sizes": {"NS": ["1"]}}"#,
    },
    // DELETE from sets; an emptied set disappears; a missing set is fine.
    Case {
        before: r#"{"Id": {"N": "1"}, "Color": {"SS": ["Red", "Yellow"]}, "Tags": {"SS": ["x"]}}"#,
        expression: "DELETE Color :c, Tags :t, Nothing :t",
        values: r#"{":c": {"SS": ["Yellow", "Purple"]}, ":t": {"SS": ["x"]}}"#,
        after: r#"{"Id": {"N": "1"}, "Color": {"SS": ["Red"]}}"#,
    },
];

#[test]
fn documented_updates_produce_the_documented_items() {
    for case in CASES {
        let after = apply(case.before, case.expression, case.values)
            .unwrap_or_else(|e| panic!("{}: {e}", case.expression));
        assert_eq!(after, item(case.after), "{}", case.expression);
    }
}

#[test]
fn runtime_errors() {
    let base = r#"{"Id": {"N": "1"}, "s": {"S": "x"}, "l": {"L": []}, "m": {"M": {}}, "n": {"N": "1"}, "ss": {"SS": ["a"]}}"#;
    let cases = [
        (
            "SET a = b + :one",
            r#"{":one": {"N": "1"}}"#,
            "The provided expression refers to an attribute that does not exist in the item",
        ),
        (
            "SET a = s + :one",
            r#"{":one": {"N": "1"}}"#,
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "SET a = list_append(m, :l)",
            r#"{":l": {"L": []}}"#,
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M",
        ),
        (
            "SET s.c = :one",
            r#"{":one": {"N": "1"}}"#,
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "SET absent.c = :one",
            r#"{":one": {"N": "1"}}"#,
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "SET m[0] = :one",
            r#"{":one": {"N": "1"}}"#,
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "REMOVE s[0]",
            "",
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "REMOVE absent.x",
            "",
            "The document path provided in the update expression is invalid for update",
        ),
        (
            "ADD s :one",
            r#"{":one": {"N": "1"}}"#,
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "ADD ss :ns",
            r#"{":ns": {"NS": ["1"]}}"#,
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "DELETE n :ss",
            r#"{":ss": {"SS": ["a"]}}"#,
            "An operand in the update expression has an incorrect data type",
        ),
        (
            "SET Id = :one",
            r#"{":one": {"N": "1"}}"#,
            "One or more parameter values were invalid: Cannot update attribute Id. This attribute is part of the key",
        ),
        (
            "SET n = n + :big",
            r#"{":big": {"N": "9.9999999999999999999999999999999999999E+125"}}"#,
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
    ];
    for (expression, value_json, expected) in cases {
        let before = item(base);
        let mut target = before.clone();
        let parsed = update(expression, &None, &values(value_json)).unwrap();
        let error = apply_update(&mut target, true, &parsed, &["Id"]).unwrap_err();
        assert_eq!(error.to_string(), expected, "{expression}");
        assert_eq!(
            target, before,
            "a failed update leaves the item alone: {expression}"
        );
    }
}

#[test]
fn remove_of_a_nested_path_on_a_new_item_is_ignored() {
    let mut target = item(r#"{"Id": {"N": "1"}}"#);
    let parsed = update("REMOVE x.y, z[0]", &None, &None).unwrap();
    apply_update(&mut target, false, &parsed, &["Id"]).unwrap();
    assert_eq!(target, item(r#"{"Id": {"N": "1"}}"#));
}

#[test]
fn updated_old_and_new_hold_only_the_touched_paths() {
    let before = item(
        r#"{"Id": {"N": "1"}, "a": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}},
            "l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}, "gone": {"S": "bye"}, "keep": {"S": "k"}}"#,
    );
    let parsed = update(
        "SET a.b = a.b + :one, l[2] = :w, fresh = :one REMOVE gone, l[0]",
        &names(&[]),
        &values(r#"{":one": {"N": "1"}, ":w": {"S": "w"}}"#),
    )
    .unwrap();
    let mut after = before.clone();
    let touched = apply_update(&mut after, true, &parsed, &["Id"]).unwrap();
    assert_eq!(
        touched.updated_old(&before),
        item(
            r#"{"a": {"M": {"b": {"N": "1"}}}, "l": {"L": [{"S": "x"}, {"S": "z"}]}, "gone": {"S": "bye"}}"#
        )
    );
    assert_eq!(
        touched.updated_new(&after),
        item(r#"{"a": {"M": {"b": {"N": "2"}}}, "l": {"L": [{"S": "w"}]}, "fresh": {"N": "1"}}"#)
    );
}
