//! End-to-end: the expression language through aws-sdk-dynamodb. UpdateItem's clauses and
//! ReturnValues, conditions on PutItem/UpdateItem/DeleteItem (with
//! ReturnValuesOnConditionCheckFailure), projections on GetItem, the legacy parameters,
//! DynamoDB's validation messages, and bad input that must leave the item as it was.

mod common;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeValue, AttributeValueUpdate, ComparisonOperator, ConditionalOperator,
    ExpectedAttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure, ScalarAttributeType,
};
use common::*;

type Item = HashMap<String, AttributeValue>;

const T: &str = "expr";
const CCF: &str = "ConditionalCheckFailedException";
const CCF_MESSAGE: &str = "The conditional request failed";
const WRONG_TYPE: &str = "An operand in the update expression has an incorrect data type";
const INVALID_PATH: &str =
    "The document path provided in the update expression is invalid for update";
const OVERFLOW: &str =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";

// --- helpers ---------------------------------------------------------------------------------

async fn setup() -> (Server, Client) {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, T, ScalarAttributeType::S, None).await;
    (server, c)
}

fn key() -> Item {
    item(&[("pk", s("k"))])
}

fn with_key(pairs: &[(&str, AttributeValue)]) -> Item {
    let mut it = key();
    it.extend(item(pairs));
    it
}

fn l(values: &[AttributeValue]) -> AttributeValue {
    AttributeValue::L(values.to_vec())
}

fn m(pairs: &[(&str, AttributeValue)]) -> AttributeValue {
    AttributeValue::M(item(pairs))
}

fn ss(values: &[&str]) -> AttributeValue {
    AttributeValue::Ss(values.iter().map(|v| v.to_string()).collect())
}

fn ns(values: &[&str]) -> AttributeValue {
    AttributeValue::Ns(values.iter().map(|v| v.to_string()).collect())
}

fn bs(values: &[&[u8]]) -> AttributeValue {
    AttributeValue::Bs(values.iter().map(|v| Blob::new(v.to_vec())).collect())
}

fn names(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
    (!pairs.is_empty()).then(|| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    })
}

fn values(pairs: &[(&str, AttributeValue)]) -> Option<Item> {
    (!pairs.is_empty()).then(|| item(pairs))
}

/// Sets come back in any order: sort them, recursively.
fn normalize(v: &AttributeValue) -> AttributeValue {
    match v {
        AttributeValue::Ss(x) | AttributeValue::Ns(x) => {
            let mut x = x.clone();
            x.sort();
            if matches!(v, AttributeValue::Ss(_)) {
                AttributeValue::Ss(x)
            } else {
                AttributeValue::Ns(x)
            }
        }
        AttributeValue::Bs(x) => {
            let mut x: Vec<Vec<u8>> = x.iter().map(|b| b.as_ref().to_vec()).collect();
            x.sort();
            AttributeValue::Bs(x.into_iter().map(Blob::new).collect())
        }
        AttributeValue::M(map) => AttributeValue::M(normalize_item(map)),
        AttributeValue::L(list) => AttributeValue::L(list.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn normalize_item(it: &Item) -> Item {
    it.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()
}

async fn put(c: &Client, it: Item) {
    c.put_item()
        .table_name(T)
        .set_item(Some(it))
        .send()
        .await
        .unwrap();
}

async fn get_key(c: &Client, k: Item) -> Option<Item> {
    c.get_item()
        .table_name(T)
        .set_key(Some(k))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item()
        .cloned()
}

async fn get(c: &Client) -> Option<Item> {
    get_key(c, key()).await
}

async fn update_rv(
    c: &Client,
    expression: &str,
    vals: &[(&str, AttributeValue)],
    nms: &[(&str, &str)],
    return_values: Option<ReturnValue>,
) -> Result<UpdateItemOutput, SdkError<UpdateItemError>> {
    c.update_item()
        .table_name(T)
        .set_key(Some(key()))
        .update_expression(expression)
        .set_expression_attribute_values(values(vals))
        .set_expression_attribute_names(names(nms))
        .set_return_values(return_values)
        .send()
        .await
}

async fn update(
    c: &Client,
    expression: &str,
    vals: &[(&str, AttributeValue)],
) -> Result<UpdateItemOutput, SdkError<UpdateItemError>> {
    update_rv(c, expression, vals, &[], None).await
}

/// Runs an update that must succeed and returns the item read back.
async fn updated(c: &Client, expression: &str, vals: &[(&str, AttributeValue)]) -> Item {
    update(c, expression, vals)
        .await
        .unwrap_or_else(|e| panic!("{expression}: {e:?}"));
    get(c).await.expect("item")
}

// --- SET -------------------------------------------------------------------------------------

#[tokio::test]
async fn set_arithmetic_functions_and_paths() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[
            ("n", n("10")),
            ("x", n("0.1")),
            ("l", l(&[s("b")])),
            ("existing", n("7")),
            ("m", m(&[("nest", m(&[("x", n("1"))])), ("keep", s("k"))])),
        ]),
    )
    .await;
    let got = updated(
        &c,
        "SET a = n + :five, b = n - :three, c = :five - n, x = x + :tenth",
        &[(":five", n("5")), (":three", n("3")), (":tenth", n("0.2"))],
    )
    .await;
    assert_eq!(got["a"], n("15"));
    assert_eq!(got["b"], n("7"));
    assert_eq!(got["c"], n("-5"));
    assert_eq!(got["x"], n("0.3"), "exact decimal arithmetic");

    let got = updated(
        &c,
        "SET l = list_append(l, :tail), front = list_append(:head, l)",
        &[(":tail", l(&[s("c")])), (":head", l(&[s("a")]))],
    )
    .await;
    assert_eq!(got["l"], l(&[s("b"), s("c")]));
    assert_eq!(got["front"], l(&[s("a"), s("b")]), "reads the old list");

    let got = updated(
        &c,
        "SET existing = if_not_exists(existing, :zero), fresh = if_not_exists(fresh, :zero), \
         hits = if_not_exists(hits, :zero) + :one",
        &[(":zero", n("0")), (":one", n("1"))],
    )
    .await;
    assert_eq!(got["existing"], n("7"));
    assert_eq!(got["fresh"], n("0"));
    assert_eq!(got["hits"], n("1"));

    let got = updated(
        &c,
        "SET m.nest.x = :two, m.nest.y = :w, l[0] = :first, l[9] = :appended, l[12] = :later",
        &[
            (":two", n("2")),
            (":w", s("w")),
            (":first", s("B")),
            (":appended", s("d")),
            (":later", s("e")),
        ],
    )
    .await;
    assert_eq!(
        got["m"],
        m(&[
            ("nest", m(&[("x", n("2")), ("y", s("w"))])),
            ("keep", s("k"))
        ])
    );
    assert_eq!(got["l"], l(&[s("B"), s("c"), s("d"), s("e")]));
}

#[tokio::test]
async fn set_errors_found_while_applying() {
    let (_server, c) = setup().await;
    let original = with_key(&[("s", s("text")), ("m", m(&[]))]);
    put(&c, original.clone()).await;
    let cases: &[(&str, &str)] = &[
        ("SET s = s + :one", WRONG_TYPE),
        ("ADD s :one", WRONG_TYPE),
        (
            "SET n = absent + :one",
            "The provided expression refers to an attribute that does not exist in the item",
        ),
        ("SET m.a.b = :one", INVALID_PATH),
        ("SET s[0] = :one", INVALID_PATH),
        ("SET absent.x = :one", INVALID_PATH),
    ];
    for (expression, message) in cases {
        assert_err(
            update(&c, expression, &[(":one", n("1"))]).await,
            VALIDATION,
            message,
        );
    }
    assert_eq!(get(&c).await, Some(original));
}

// --- REMOVE, ADD, DELETE ---------------------------------------------------------------------

#[tokio::test]
async fn remove_map_keys_and_list_elements() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[
            ("a", n("1")),
            ("b", n("2")),
            (
                "m",
                m(&[("x", n("1")), ("y", m(&[("z", n("2")), ("w", n("3"))]))]),
            ),
            ("l", l(&[s("a"), s("b"), s("c"), s("d"), s("e")])),
        ]),
    )
    .await;
    let got = updated(
        &c,
        "REMOVE a, m.x, m.y.z, never, l[3], l[0], l[2], l[42]",
        &[],
    )
    .await;
    assert_eq!(
        got,
        with_key(&[
            ("b", n("2")),
            ("m", m(&[("y", m(&[("w", n("3"))]))])),
            ("l", l(&[s("b"), s("e")])),
        ])
    );
}

#[tokio::test]
async fn add_numbers_and_sets() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[
            ("n", n("5")),
            ("ss", ss(&["a", "b"])),
            ("ns", ns(&["1"])),
            ("bs", bs(&[&[1]])),
        ]),
    )
    .await;
    let got = updated(
        &c,
        "ADD n :three, fresh :minus, ss :ss, ns :ns, bs :bs, newset :ss",
        &[
            (":three", n("3")),
            (":minus", n("-1.5")),
            (":ss", ss(&["b", "c"])),
            (":ns", ns(&["1", "2.50"])),
            (":bs", bs(&[&[2]])),
        ],
    )
    .await;
    assert_eq!(
        normalize_item(&got),
        normalize_item(&with_key(&[
            ("n", n("8")),
            ("fresh", n("-1.5")),
            ("ss", ss(&["a", "b", "c"])),
            ("ns", ns(&["1", "2.5"])),
            ("bs", bs(&[&[1], &[2]])),
            ("newset", ss(&["b", "c"])),
        ]))
    );
}

#[tokio::test]
async fn add_creates_the_item() {
    let (_server, c) = setup().await;
    let got = updated(&c, "ADD hits :one", &[(":one", n("1"))]).await;
    assert_eq!(got, with_key(&[("hits", n("1"))]));
}

#[tokio::test]
async fn delete_set_elements_and_emptied_sets_disappear() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[("ss", ss(&["a", "b", "c"])), ("ns", ns(&["1", "2"]))]),
    )
    .await;
    let got = updated(
        &c,
        "DELETE ss :gone, ns :all, absent :gone",
        &[(":gone", ss(&["a", "zzz"])), (":all", ns(&["1", "2"]))],
    )
    .await;
    assert_eq!(
        normalize_item(&got),
        with_key(&[("ss", ss(&["b", "c"]))]),
        "the emptied number set is gone"
    );
}

// --- upsert and ReturnValues -----------------------------------------------------------------

#[tokio::test]
async fn update_creates_a_missing_item() {
    let (_server, c) = setup().await;
    let out = update(
        &c,
        "SET a = :v, m = :m",
        &[(":v", s("x")), (":m", m(&[("k", n("1"))]))],
    )
    .await
    .unwrap();
    assert!(out.attributes().is_none());
    assert_eq!(
        get(&c).await,
        Some(with_key(&[("a", s("x")), ("m", m(&[("k", n("1"))]))]))
    );
}

#[tokio::test]
async fn return_values_of_every_mode() {
    let (_server, c) = setup().await;
    let old = with_key(&[
        ("a", n("1")),
        ("m", m(&[("x", n("1")), ("y", n("2"))])),
        ("l", l(&[n("10"), n("20"), n("30")])),
        ("gone", s("bye")),
        ("keep", s("same")),
    ]);
    let new = with_key(&[
        ("a", n("2")),
        ("m", m(&[("x", n("10")), ("y", n("2"))])),
        ("l", l(&[n("10"), s("v"), n("30")])),
        ("added", s("v")),
        ("keep", s("same")),
    ]);
    let expression = "SET a = a + :one, m.x = :ten, l[1] = :v, added = :v REMOVE gone";
    let vals = [(":one", n("1")), (":ten", n("10")), (":v", s("v"))];
    let cases = [
        (ReturnValue::None, None),
        (ReturnValue::AllOld, Some(old.clone())),
        (
            ReturnValue::UpdatedOld,
            Some(item(&[
                ("a", n("1")),
                ("m", m(&[("x", n("1"))])),
                ("l", l(&[n("20")])),
                ("gone", s("bye")),
            ])),
        ),
        (ReturnValue::AllNew, Some(new.clone())),
        (
            ReturnValue::UpdatedNew,
            Some(item(&[
                ("a", n("2")),
                ("m", m(&[("x", n("10"))])),
                ("l", l(&[s("v")])),
                ("added", s("v")),
            ])),
        ),
    ];
    for (mode, expected) in cases {
        put(&c, old.clone()).await;
        let out = update_rv(&c, expression, &vals, &[], Some(mode.clone()))
            .await
            .unwrap();
        assert_eq!(out.attributes().cloned(), expected, "{mode:?}");
        assert_eq!(get(&c).await, Some(new.clone()));
    }

    // On an upsert there is nothing old.
    for (mode, expected) in [
        (ReturnValue::AllOld, None),
        (ReturnValue::UpdatedOld, None),
        (ReturnValue::UpdatedNew, Some(item(&[("fresh", n("1"))]))),
        (
            ReturnValue::AllNew,
            Some(item(&[("pk", s("new")), ("fresh", n("1"))])),
        ),
    ] {
        let out = c
            .update_item()
            .table_name(T)
            .key("pk", s("new"))
            .update_expression("SET fresh = :one")
            .expression_attribute_values(":one", n("1"))
            .return_values(mode.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(out.attributes().cloned(), expected, "{mode:?}");
        c.delete_item()
            .table_name(T)
            .key("pk", s("new"))
            .send()
            .await
            .unwrap();
    }
}

// --- conditions ------------------------------------------------------------------------------

fn condition_item() -> Item {
    with_key(&[
        ("n", n("5")),
        ("s", s("hello")),
        ("bin", b(&[1, 2, 3])),
        ("t", AttributeValue::Bool(true)),
        ("nul", AttributeValue::Null(true)),
        ("ss", ss(&["a", "b"])),
        ("ns", ns(&["1", "2", "3"])),
        ("l", l(&[s("x"), n("1"), m(&[("k", s("v"))])])),
        ("m", m(&[("k", s("v")), ("nest", m(&[("deep", n("1"))]))])),
    ])
}

fn condition_values() -> Vec<(&'static str, AttributeValue)> {
    vec![
        (":1", n("1")),
        (":2", n("2")),
        (":4", n("4")),
        (":5", n("5")),
        (":6", n("6")),
        (":9", n("9")),
        (":hello", s("hello")),
        (":he", s("he")),
        (":lo", s("lo")),
        (":ell", s("ell")),
        (":x", s("x")),
        (":a", s("a")),
        (":z", s("z")),
        (":b01", b(&[1])),
        (":b02", b(&[2])),
        (":mapkv", m(&[("k", s("v"))])),
        (":S", s("S")),
        (":N", s("N")),
        (":B", s("B")),
        (":BOOL", s("BOOL")),
        (":NULL", s("NULL")),
        (":SS", s("SS")),
        (":NS", s("NS")),
        (":L", s("L")),
        (":M", s("M")),
    ]
}

const CONDITIONS: &[(&str, bool)] = &[
    ("n = :5", true),
    ("n = :4", false),
    ("n <> :4", true),
    ("n <> :5", false),
    ("n < :6", true),
    ("n < :5", false),
    ("n <= :5", true),
    ("n <= :4", false),
    ("n > :4", true),
    ("n > :5", false),
    ("n >= :5", true),
    ("n >= :6", false),
    ("s < :z", true),
    ("bin > :b01", true),
    ("l[2] = :mapkv", true),
    ("m.nest.deep = :1", true),
    ("n = :hello", false),
    ("n <> :hello", true),
    ("absent = :5", false),
    ("absent <> :5", true),
    ("n BETWEEN :1 AND :5", true),
    ("n BETWEEN :6 AND :9", false),
    ("s BETWEEN :a AND :z", true),
    ("n IN (:1, :2, :5)", true),
    ("n IN (:1, :2)", false),
    // NOT binds tighter than AND, AND tighter than OR
    ("n = :5 OR n = :1 AND n = :2", true),
    ("(n = :5 OR n = :1) AND n = :2", false),
    ("n = :1 AND n = :2 OR n = :5", true),
    ("NOT n = :5 AND n = :1", false),
    ("NOT (n = :1 OR n = :5)", false),
    ("NOT n = :5 OR n = :5", true),
    ("attribute_exists(s)", true),
    ("attribute_exists(absent)", false),
    ("attribute_exists(l[2].k)", true),
    ("attribute_exists(l[3])", false),
    ("attribute_not_exists(absent)", true),
    ("attribute_not_exists(m.k)", false),
    ("attribute_type(s, :S)", true),
    ("attribute_type(n, :N)", true),
    ("attribute_type(bin, :B)", true),
    ("attribute_type(t, :BOOL)", true),
    ("attribute_type(nul, :NULL)", true),
    ("attribute_type(ss, :SS)", true),
    ("attribute_type(ns, :NS)", true),
    ("attribute_type(l, :L)", true),
    ("attribute_type(m, :M)", true),
    ("attribute_type(n, :S)", false),
    ("begins_with(s, :he)", true),
    ("begins_with(s, :lo)", false),
    ("begins_with(bin, :b01)", true),
    ("begins_with(bin, :b02)", false),
    ("contains(s, :ell)", true),
    ("contains(s, :z)", false),
    ("contains(ss, :a)", true),
    ("contains(ss, :z)", false),
    ("contains(ns, :2)", true),
    ("contains(l, :x)", true),
    ("contains(l, :1)", true),
    ("contains(l, :z)", false),
    ("size(s) = :5", true),
    ("size(bin) BETWEEN :2 AND :4", true),
    ("size(ss) = :2", true),
    ("size(ns) = :2", false),
    ("size(l) > :2", true),
    ("size(m) = :2", true),
    ("size(absent) = :1", false),
];

fn used_values(expression: &str) -> Vec<(&'static str, AttributeValue)> {
    condition_values()
        .into_iter()
        .filter(|(name, _)| {
            expression.match_indices(name).any(|(at, _)| {
                !expression[at + name.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
        .collect()
}

#[tokio::test]
async fn conditions_on_put_update_and_delete() {
    let (_server, c) = setup().await;
    let original = condition_item();
    for (expression, holds) in CONDITIONS {
        let vals = used_values(expression);

        put(&c, original.clone()).await;
        let mut marked = original.clone();
        marked.insert("marker".into(), s("put"));
        let res = c
            .put_item()
            .table_name(T)
            .set_item(Some(marked.clone()))
            .condition_expression(*expression)
            .set_expression_attribute_values(values(&vals))
            .send()
            .await;
        if *holds {
            res.unwrap_or_else(|e| panic!("put {expression}: {e:?}"));
            assert_eq!(get(&c).await, Some(marked), "{expression}");
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(get(&c).await, Some(original.clone()), "{expression}");
        }

        put(&c, original.clone()).await;
        let mut update_vals = vals.clone();
        update_vals.push((":marker", s("update")));
        let res = c
            .update_item()
            .table_name(T)
            .set_key(Some(key()))
            .update_expression("SET marker = :marker")
            .condition_expression(*expression)
            .set_expression_attribute_values(values(&update_vals))
            .send()
            .await;
        let after = get(&c).await.unwrap();
        if *holds {
            res.unwrap_or_else(|e| panic!("update {expression}: {e:?}"));
            assert_eq!(after.get("marker"), Some(&s("update")), "{expression}");
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(after, original, "{expression}");
        }

        put(&c, original.clone()).await;
        let res = c
            .delete_item()
            .table_name(T)
            .set_key(Some(key()))
            .condition_expression(*expression)
            .set_expression_attribute_values(values(&vals))
            .send()
            .await;
        if *holds {
            res.unwrap_or_else(|e| panic!("delete {expression}: {e:?}"));
            assert_eq!(get(&c).await, None, "{expression}");
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(get(&c).await, Some(original.clone()), "{expression}");
        }
    }
}

#[tokio::test]
async fn failed_conditions_return_the_old_item_on_request() {
    let (_server, c) = setup().await;
    let original = with_key(&[("v", n("1")), ("bin", b(&[0, 255])), ("ss", ss(&["a"]))]);
    put(&c, original.clone()).await;
    for on_failure in [
        Some(ReturnValuesOnConditionCheckFailure::AllOld),
        Some(ReturnValuesOnConditionCheckFailure::None),
        None,
    ] {
        let expected = matches!(
            on_failure,
            Some(ReturnValuesOnConditionCheckFailure::AllOld)
        )
        .then(|| original.clone());

        let err = c
            .put_item()
            .table_name(T)
            .set_item(Some(with_key(&[("v", n("9"))])))
            .condition_expression("v = :two")
            .expression_attribute_values(":two", n("2"))
            .set_return_values_on_condition_check_failure(on_failure.clone())
            .send()
            .await
            .unwrap_err();
        let Some(PutItemError::ConditionalCheckFailedException(e)) = err.as_service_error() else {
            panic!("expected ConditionalCheckFailedException, got {err:?}");
        };
        assert_eq!(e.message(), Some(CCF_MESSAGE));
        assert_eq!(e.item().cloned(), expected, "put {on_failure:?}");

        let err = c
            .update_item()
            .table_name(T)
            .set_key(Some(key()))
            .update_expression("SET v = :two")
            .condition_expression("v = :two")
            .expression_attribute_values(":two", n("2"))
            .set_return_values_on_condition_check_failure(on_failure.clone())
            .send()
            .await
            .unwrap_err();
        let Some(UpdateItemError::ConditionalCheckFailedException(e)) = err.as_service_error()
        else {
            panic!("expected ConditionalCheckFailedException, got {err:?}");
        };
        assert_eq!(e.item().cloned(), expected, "update {on_failure:?}");

        let err = c
            .delete_item()
            .table_name(T)
            .set_key(Some(key()))
            .condition_expression("v = :two")
            .expression_attribute_values(":two", n("2"))
            .set_return_values_on_condition_check_failure(on_failure.clone())
            .send()
            .await
            .unwrap_err();
        let Some(DeleteItemError::ConditionalCheckFailedException(e)) = err.as_service_error()
        else {
            panic!("expected ConditionalCheckFailedException, got {err:?}");
        };
        assert_eq!(e.item().cloned(), expected, "delete {on_failure:?}");
    }
    assert_eq!(get(&c).await, Some(original));

    // A missing item has nothing to return.
    let err = c
        .update_item()
        .table_name(T)
        .key("pk", s("absent"))
        .update_expression("SET v = :two")
        .condition_expression("attribute_exists(pk)")
        .expression_attribute_values(":two", n("2"))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    let Some(UpdateItemError::ConditionalCheckFailedException(e)) = err.as_service_error() else {
        panic!("expected ConditionalCheckFailedException, got {err:?}");
    };
    assert!(e.item().is_none());
    assert_eq!(get_key(&c, item(&[("pk", s("absent"))])).await, None);
}

// --- projections -----------------------------------------------------------------------------

#[tokio::test]
async fn projections_on_get_item() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[
            ("a", s("a")),
            ("name", s("reserved")),
            (
                "m",
                m(&[
                    ("x", m(&[("y", s("deep")), ("z", s("other"))])),
                    ("w", n("1")),
                ]),
            ),
            (
                "l",
                l(&[
                    s("l0"),
                    m(&[("k", s("v")), ("j", s("u"))]),
                    s("l2"),
                    s("l3"),
                ]),
            ),
        ]),
    )
    .await;
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], Item);
    let cases: Vec<Case> = vec![
        ("a, pk", &[], with_key(&[("a", s("a"))])),
        ("#n", &[("#n", "name")], item(&[("name", s("reserved"))])),
        (
            "m.x.y, m.w",
            &[],
            item(&[("m", m(&[("x", m(&[("y", s("deep"))])), ("w", n("1"))]))]),
        ),
        ("l[1].k", &[], item(&[("l", l(&[m(&[("k", s("v"))])]))])),
        ("l[3], l[0]", &[], item(&[("l", l(&[s("l0"), s("l3")]))])),
        ("l[9], m.nope, absent, a", &[], item(&[("a", s("a"))])),
        ("absent", &[], Item::new()),
    ];
    for (projection, nms, expected) in cases {
        let out = c
            .get_item()
            .table_name(T)
            .set_key(Some(key()))
            .projection_expression(projection)
            .set_expression_attribute_names(names(nms))
            .send()
            .await
            .unwrap();
        assert_eq!(out.item(), Some(&expected), "{projection}");
    }
    assert_err(
        c.get_item()
            .table_name(T)
            .set_key(Some(key()))
            .projection_expression("m, m.x")
            .send()
            .await,
        VALIDATION,
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, x]",
    );
    assert_err(
        c.get_item()
            .table_name(T)
            .set_key(Some(key()))
            .projection_expression("name")
            .send()
            .await,
        VALIDATION,
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name",
    );
}

// --- legacy parameters -----------------------------------------------------------------------

fn expected_value(v: AttributeValue) -> ExpectedAttributeValue {
    ExpectedAttributeValue::builder().value(v).build()
}

fn expected_cmp(op: ComparisonOperator, list: &[AttributeValue]) -> ExpectedAttributeValue {
    ExpectedAttributeValue::builder()
        .comparison_operator(op)
        .set_attribute_value_list((!list.is_empty()).then(|| list.to_vec()))
        .build()
}

#[tokio::test]
async fn legacy_expected() {
    let (_server, c) = setup().await;
    let original = with_key(&[("n", n("5")), ("s", s("hello")), ("ss", ss(&["a", "b"]))]);
    use ComparisonOperator as Op;
    type Case<'a> = (
        Vec<(&'a str, ExpectedAttributeValue)>,
        Option<ConditionalOperator>,
        bool,
    );
    let cases: Vec<Case> = vec![
        (vec![("n", expected_value(n("5")))], None, true),
        (vec![("n", expected_value(n("6")))], None, false),
        (
            vec![(
                "n",
                ExpectedAttributeValue::builder()
                    .exists(true)
                    .value(n("5"))
                    .build(),
            )],
            None,
            true,
        ),
        (
            vec![(
                "absent",
                ExpectedAttributeValue::builder().exists(false).build(),
            )],
            None,
            true,
        ),
        (
            vec![("n", ExpectedAttributeValue::builder().exists(false).build())],
            None,
            false,
        ),
        (vec![("n", expected_cmp(Op::Eq, &[n("5")]))], None, true),
        (vec![("n", expected_cmp(Op::Ne, &[n("5")]))], None, false),
        (vec![("n", expected_cmp(Op::Lt, &[n("6")]))], None, true),
        (vec![("n", expected_cmp(Op::Le, &[n("4")]))], None, false),
        (vec![("n", expected_cmp(Op::Gt, &[n("4")]))], None, true),
        (vec![("n", expected_cmp(Op::Ge, &[n("6")]))], None, false),
        (vec![("n", expected_cmp(Op::NotNull, &[]))], None, true),
        (vec![("absent", expected_cmp(Op::Null, &[]))], None, true),
        (
            vec![("s", expected_cmp(Op::Contains, &[s("ell")]))],
            None,
            true,
        ),
        (
            vec![("ss", expected_cmp(Op::NotContains, &[s("a")]))],
            None,
            false,
        ),
        (
            vec![("s", expected_cmp(Op::BeginsWith, &[s("he")]))],
            None,
            true,
        ),
        (
            vec![("n", expected_cmp(Op::In, &[n("1"), n("5")]))],
            None,
            true,
        ),
        (
            vec![("n", expected_cmp(Op::Between, &[n("6"), n("9")]))],
            None,
            false,
        ),
        (
            vec![
                ("n", expected_value(n("5"))),
                ("s", expected_value(s("nope"))),
            ],
            Some(ConditionalOperator::And),
            false,
        ),
        (
            vec![
                ("n", expected_value(n("5"))),
                ("s", expected_value(s("nope"))),
            ],
            Some(ConditionalOperator::Or),
            true,
        ),
    ];
    for (expected, operator, holds) in cases {
        let expected: HashMap<String, ExpectedAttributeValue> = expected
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();

        put(&c, original.clone()).await;
        let res = c
            .put_item()
            .table_name(T)
            .set_item(Some(with_key(&[("new", n("1"))])))
            .set_expected(Some(expected.clone()))
            .set_conditional_operator(operator.clone())
            .send()
            .await;
        if holds {
            res.unwrap_or_else(|e| panic!("put {expected:?}: {e:?}"));
            assert_eq!(get(&c).await, Some(with_key(&[("new", n("1"))])));
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(get(&c).await, Some(original.clone()));
        }

        put(&c, original.clone()).await;
        let res = c
            .update_item()
            .table_name(T)
            .set_key(Some(key()))
            .attribute_updates(
                "new",
                AttributeValueUpdate::builder()
                    .action(AttributeAction::Put)
                    .value(n("1"))
                    .build(),
            )
            .set_expected(Some(expected.clone()))
            .set_conditional_operator(operator.clone())
            .send()
            .await;
        if holds {
            res.unwrap_or_else(|e| panic!("update {expected:?}: {e:?}"));
            let mut after = original.clone();
            after.insert("new".into(), n("1"));
            assert_eq!(get(&c).await, Some(after));
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(get(&c).await, Some(original.clone()));
        }

        put(&c, original.clone()).await;
        let res = c
            .delete_item()
            .table_name(T)
            .set_key(Some(key()))
            .set_expected(Some(expected.clone()))
            .set_conditional_operator(operator.clone())
            .send()
            .await;
        if holds {
            res.unwrap_or_else(|e| panic!("delete {expected:?}: {e:?}"));
            assert_eq!(get(&c).await, None);
        } else {
            assert_err(res, CCF, CCF_MESSAGE);
            assert_eq!(get(&c).await, Some(original.clone()));
        }
    }
}

#[tokio::test]
async fn legacy_attribute_updates_and_attributes_to_get() {
    let (_server, c) = setup().await;
    put(
        &c,
        with_key(&[
            ("n", n("5")),
            ("ss", ss(&["a", "b", "c"])),
            ("drop", s("x")),
            ("keep", s("k")),
        ]),
    )
    .await;
    let action = |a: AttributeAction, v: Option<AttributeValue>| {
        AttributeValueUpdate::builder()
            .action(a)
            .set_value(v)
            .build()
    };
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key()))
        .attribute_updates("put", action(AttributeAction::Put, Some(s("new"))))
        .attribute_updates("n", action(AttributeAction::Add, Some(n("2"))))
        .attribute_updates("fresh", action(AttributeAction::Add, Some(n("-1"))))
        .attribute_updates("ss", action(AttributeAction::Delete, Some(ss(&["a"]))))
        .attribute_updates("drop", action(AttributeAction::Delete, None))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap();
    let touched = item(&[
        ("put", s("new")),
        ("n", n("7")),
        ("fresh", n("-1")),
        ("ss", ss(&["b", "c"])),
    ]);
    assert_eq!(normalize_item(out.attributes().unwrap()), touched);
    let mut expected = with_key(&[("keep", s("k"))]);
    expected.extend(touched);
    assert_eq!(normalize_item(&get(&c).await.unwrap()), expected);

    let out = c
        .get_item()
        .table_name(T)
        .set_key(Some(key()))
        .attributes_to_get("keep")
        .attributes_to_get("n")
        .attributes_to_get("absent")
        .send()
        .await
        .unwrap();
    assert_eq!(out.item(), Some(&item(&[("keep", s("k")), ("n", n("7"))])));

    assert_err(
        c.update_item()
            .table_name(T)
            .set_key(Some(key()))
            .attribute_updates("pk", action(AttributeAction::Put, Some(s("x"))))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    );
}

// --- validation errors -----------------------------------------------------------------------

#[tokio::test]
async fn update_expression_errors_carry_aws_messages() {
    let (_server, c) = setup().await;
    let original = with_key(&[("a", n("1")), ("l", l(&[]))]);
    put(&c, original.clone()).await;
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, AttributeValue)>,
        &'a [(&'a str, &'a str)],
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "SET a = :v :v",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: Syntax error; token: \":v\", near: \":v :v\"",
        ),
        (
            "SET name = :v",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name",
        ),
        (
            "SET a = :v",
            vec![(":v", n("1")), (":w", n("2"))],
            &[],
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
        ),
        (
            "SET a = :v",
            vec![(":v", n("1"))],
            &[("#a", "a")],
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}",
        ),
        (
            "SET a = :w",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :w",
        ),
        (
            "SET #b = :v",
            vec![(":v", n("1"))],
            &[("#a", "a")],
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #b",
        ),
        (
            "SET a = :v REMOVE a.b",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
        ),
        (
            "SET a.b = :v, a[1] = :v",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]",
        ),
        (
            "SET pk = :v",
            vec![(":v", s("x"))],
            &[],
            "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
        ),
        (
            "SET a = :v SET b = :v",
            vec![(":v", n("1"))],
            &[],
            "Invalid UpdateExpression: The \"SET\" section can only be used once in an update expression;",
        ),
        (
            "SET a = :s + :n",
            vec![(":s", s("x")), (":n", n("1"))],
            &[],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S",
        ),
        (
            "SET l = list_append(l, :s)",
            vec![(":s", s("x"))],
            &[],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S",
        ),
        (
            "ADD a :s",
            vec![(":s", s("x"))],
            &[],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
        ),
        (
            "DELETE a :n",
            vec![(":n", n("1"))],
            &[],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER",
        ),
        (
            "",
            vec![],
            &[],
            "Invalid UpdateExpression: The expression can not be empty;",
        ),
        (
            "SET a = size(l)",
            vec![],
            &[],
            "Invalid UpdateExpression: The function is not allowed in an update expression; function: size",
        ),
    ];
    for (expression, vals, nms, message) in cases {
        assert_err(
            update_rv(&c, expression, &vals, nms, None).await,
            VALIDATION,
            message,
        );
    }
    assert_eq!(get(&c).await, Some(original));
}

#[tokio::test]
async fn condition_function_operand_errors() {
    let (_server, c) = setup().await;
    let cases: &[(&str, Option<AttributeValue>, &str)] = &[
        (
            "size(:v) = :v",
            Some(n("1")),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N",
        ),
        (
            "begins_with(s, :v)",
            Some(n("1")),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
        ),
        (
            "attribute_type(s, :v)",
            Some(s("STRING")),
            "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
        ),
        (
            "Status = :v",
            Some(n("1")),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Status",
        ),
        (
            "if_not_exists(s, :v) = :v",
            Some(n("1")),
            "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists",
        ),
        (
            "a = :v AND",
            Some(n("1")),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"",
        ),
    ];
    for (expression, value, message) in cases {
        assert_err(
            c.put_item()
                .table_name(T)
                .set_item(Some(key()))
                .condition_expression(*expression)
                .set_expression_attribute_values(value.clone().map(|v| item(&[(":v", v)])))
                .send()
                .await,
            VALIDATION,
            message,
        );
    }
    assert_eq!(get(&c).await, None);
}

#[tokio::test]
async fn parameter_mixes_and_placeholders_without_expressions() {
    let (_server, c) = setup().await;
    let original = with_key(&[("a", n("1"))]);
    put(&c, original.clone()).await;
    assert_err(
        c.put_item()
            .table_name(T)
            .set_item(Some(key()))
            .expected("a", ExpectedAttributeValue::builder().exists(false).build())
            .condition_expression("attribute_exists(a)")
            .send()
            .await,
        VALIDATION,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
    );
    assert_err(
        c.update_item()
            .table_name(T)
            .set_key(Some(key()))
            .update_expression("REMOVE a")
            .attribute_updates(
                "b",
                AttributeValueUpdate::builder()
                    .action(AttributeAction::Delete)
                    .build(),
            )
            .send()
            .await,
        VALIDATION,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}",
    );
    assert_err(
        c.get_item()
            .table_name(T)
            .set_key(Some(key()))
            .attributes_to_get("a")
            .projection_expression("a")
            .send()
            .await,
        VALIDATION,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    );
    assert_err(
        c.update_item()
            .table_name(T)
            .set_key(Some(key()))
            .expression_attribute_values(":v", n("1"))
            .send()
            .await,
        VALIDATION,
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null",
    );
    assert_err(
        c.put_item()
            .table_name(T)
            .set_item(Some(key()))
            .expression_attribute_values(":v", n("1"))
            .send()
            .await,
        VALIDATION,
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null",
    );
    assert_err(
        c.delete_item()
            .table_name(T)
            .set_key(Some(key()))
            .expression_attribute_names("#a", "a")
            .send()
            .await,
        VALIDATION,
        "ExpressionAttributeNames can only be specified when using expressions",
    );
    assert_err(
        c.delete_item()
            .table_name(T)
            .set_key(Some(key()))
            .condition_expression("attribute_exists(#a) OR a = :one")
            .expression_attribute_names("#a", "")
            .expression_attribute_values(":one", n("1"))
            .send()
            .await,
        VALIDATION,
        "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a",
    );
    assert_eq!(get(&c).await, Some(original));
}

#[tokio::test]
async fn arithmetic_overflow_is_refused() {
    let (_server, c) = setup().await;
    let huge = "9.9999999999999999999999999999999999999E+125";
    put(&c, with_key(&[("n", n(huge))])).await;
    let before = get(&c).await;
    for expression in ["SET n = n + :v", "ADD n :v"] {
        assert_err(
            update(&c, expression, &[(":v", n(huge))]).await,
            VALIDATION,
            OVERFLOW,
        );
    }
    assert_eq!(get(&c).await, before);
}

// --- bad input -------------------------------------------------------------------------------

#[tokio::test]
async fn bad_expressions_are_validation_errors_and_change_nothing() {
    let (_server, c) = setup().await;
    let original = with_key(&[("a", n("1")), ("l", l(&[s("x")]))]);
    put(&c, original.clone()).await;
    let mut bad: Vec<String> = [
        "garbage!",
        "))))((((",
        "SET",
        "a = :v = :v",
        "\u{0}\u{1}\u{2}",
        "SET a = :v; DROP TABLE x",
        "SET café = :v",
        "☃ = :v",
        "SET a = :v\u{200b}",
        "SET a[99999999999999999999999] = :v",
        "size(size(a)) = :v",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    bad.push("(".repeat(5000));
    bad.push(format!("{}a = :v{}", "(".repeat(300), ")".repeat(300)));
    bad.push(format!("{}a = :v", "NOT ".repeat(400)));
    bad.push(format!("SET a = {}:v{}", "(".repeat(300), ")".repeat(300)));
    bad.push("a".repeat(5 * 1024));
    bad.push(format!("{}b = :v", "a.".repeat(40)));
    bad.push(format!("a IN ({})", vec![":v"; 150].join(", ")));
    for expression in &bad {
        let v = Some(item(&[(":v", n("2"))]));
        let e = service_err(
            c.update_item()
                .table_name(T)
                .set_key(Some(key()))
                .update_expression(expression)
                .set_expression_attribute_values(v.clone())
                .send()
                .await,
        );
        assert_eq!(e.code, VALIDATION, "update {expression:?}: {}", e.message);
        let e = service_err(
            c.put_item()
                .table_name(T)
                .set_item(Some(key()))
                .condition_expression(expression)
                .set_expression_attribute_values(v.clone())
                .send()
                .await,
        );
        assert_eq!(e.code, VALIDATION, "put {expression:?}: {}", e.message);
        let e = service_err(
            c.delete_item()
                .table_name(T)
                .set_key(Some(key()))
                .condition_expression(expression)
                .set_expression_attribute_values(v.clone())
                .send()
                .await,
        );
        assert_eq!(e.code, VALIDATION, "delete {expression:?}: {}", e.message);
        let e = service_err(
            c.get_item()
                .table_name(T)
                .set_key(Some(key()))
                .projection_expression(expression)
                .send()
                .await,
        );
        assert_eq!(e.code, VALIDATION, "get {expression:?}: {}", e.message);
        assert_eq!(get(&c).await, Some(original.clone()), "{expression:?}");
    }
    assert_err(
        c.put_item()
            .table_name(T)
            .set_item(Some(key()))
            .condition_expression("a".repeat(5 * 1024))
            .send()
            .await,
        VALIDATION,
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 5120",
    );
}

#[tokio::test]
async fn an_update_cannot_nest_an_attribute_past_32_levels() {
    let (_server, c) = setup().await;
    let nested = |levels: usize| (0..levels).fold(s("leaf"), |v, _| m(&[("a", v)]));
    put(&c, with_key(&[("m", nested(30))])).await;
    let deep_path = format!("m{}", ".a".repeat(30));
    let expression = format!("SET {deep_path} = :v");
    update(&c, &expression, &[(":v", nested(1))]).await.unwrap();
    let before = get(&c).await;
    for levels in [2, 40] {
        let e = service_err(update(&c, &expression, &[(":v", nested(levels))]).await);
        assert_eq!(e.code, VALIDATION);
        assert!(
            e.message
                .starts_with("Nesting Levels have exceeded supported limits"),
            "{}",
            e.message
        );
        assert_eq!(
            get(&c).await,
            before,
            "the item is unchanged and still readable"
        );
    }
}

#[tokio::test]
async fn ordering_needs_orderable_values_and_size_needs_a_sized_attribute() {
    let (_server, c) = setup().await;
    let original = with_key(&[("n", n("5")), ("flag", AttributeValue::Bool(true))]);
    put(&c, original.clone()).await;
    for (value, type_name) in [
        (AttributeValue::Bool(true), "BOOL"),
        (AttributeValue::Null(true), "NULL"),
        (ss(&["a"]), "SS"),
        (l(&[s("a")]), "L"),
        (m(&[("k", s("a"))]), "M"),
    ] {
        assert_err(
            c.put_item()
                .table_name(T)
                .set_item(Some(key()))
                .condition_expression("n >= :v")
                .expression_attribute_values(":v", value)
                .send()
                .await,
            VALIDATION,
            &format!(
                "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: >=, operand type: {type_name}"
            ),
        );
    }
    // Paths without an order, and size() of an attribute without a size, are just false.
    for expression in ["flag > :zero", "size(n) > :zero", "size(flag) = :zero"] {
        assert_err(
            c.put_item()
                .table_name(T)
                .set_item(Some(key()))
                .condition_expression(expression)
                .expression_attribute_values(":zero", n("0"))
                .send()
                .await,
            CCF,
            CCF_MESSAGE,
        );
    }
    assert_eq!(get(&c).await, Some(original));
}

#[tokio::test]
async fn concurrent_counters_and_conditional_creates_are_atomic() {
    let (_server, c) = setup().await;
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            update(&c, "ADD hits :one", &[(":one", n("1"))])
                .await
                .unwrap();
            let res = c
                .put_item()
                .table_name(T)
                .item("pk", s("race"))
                .condition_expression("attribute_not_exists(pk)")
                .send()
                .await;
            match res {
                Ok(_) => true,
                Err(e) => {
                    assert!(
                        matches!(
                            e.as_service_error(),
                            Some(PutItemError::ConditionalCheckFailedException(_))
                        ),
                        "{e:?}"
                    );
                    false
                }
            }
        }));
    }
    let mut winners = 0;
    for task in tasks {
        winners += usize::from(task.await.unwrap());
    }
    assert_eq!(winners, 1, "exactly one conditional create wins");
    assert_eq!(get(&c).await, Some(with_key(&[("hits", n("32"))])));
}
