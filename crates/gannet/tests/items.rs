//! End-to-end: PutItem / GetItem / DeleteItem through aws-sdk-dynamodb: every attribute type,
//! exact numbers, ReturnValues, key and size validation.

mod common;

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::get_item::GetItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ScalarAttributeType};
use common::*;

type Item = HashMap<String, AttributeValue>;

/// Sets come back in any order: sort them (recursively) before comparing.
fn normalize(v: &AttributeValue) -> AttributeValue {
    match v {
        AttributeValue::Ss(x) => {
            let mut x = x.clone();
            x.sort();
            AttributeValue::Ss(x)
        }
        AttributeValue::Ns(x) => {
            let mut x = x.clone();
            x.sort();
            AttributeValue::Ns(x)
        }
        AttributeValue::Bs(x) => {
            let mut x: Vec<Vec<u8>> = x.iter().map(|b| b.as_ref().to_vec()).collect();
            x.sort();
            AttributeValue::Bs(x.into_iter().map(Blob::new).collect())
        }
        AttributeValue::M(m) => AttributeValue::M(normalize_item(m)),
        AttributeValue::L(l) => AttributeValue::L(l.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

fn normalize_item(i: &Item) -> Item {
    i.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()
}

async fn setup() -> (Server, Client) {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "tbl", ScalarAttributeType::S, None).await;
    create_table(
        &c,
        "hash_range",
        ScalarAttributeType::S,
        Some(ScalarAttributeType::N),
    )
    .await;
    (server, c)
}

async fn put(c: &Client, table: &str, it: Item) {
    c.put_item()
        .table_name(table)
        .set_item(Some(it))
        .send()
        .await
        .unwrap();
}

async fn get(c: &Client, table: &str, key: Item) -> Option<Item> {
    c.get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item()
        .cloned()
}

#[tokio::test]
async fn every_attribute_type_round_trips() {
    let server = Server::start_on_disk().await;
    let c = server.client().await;
    create_table(&c, "tbl", ScalarAttributeType::S, None).await;
    let original = item(&[
        ("pk", s("all")),
        ("s", s("héllo wörld ✓")),
        ("empty_s", s("")),
        ("n", n("42")),
        ("neg", n("-3.25")),
        ("b", b(&[0, 1, 2, 255])),
        ("empty_b", b(&[])),
        ("tbl", AttributeValue::Bool(true)),
        ("f", AttributeValue::Bool(false)),
        ("nul", AttributeValue::Null(true)),
        (
            "ss",
            AttributeValue::Ss(vec!["b".into(), "a".into(), "c".into()]),
        ),
        (
            "ns",
            AttributeValue::Ns(vec!["3".into(), "1".into(), "2.5".into()]),
        ),
        (
            "bs",
            AttributeValue::Bs(vec![Blob::new(vec![1]), Blob::new(vec![2, 3])]),
        ),
        (
            "l",
            AttributeValue::L(vec![
                s("x"),
                n("1"),
                AttributeValue::Null(true),
                AttributeValue::L(vec![]),
                AttributeValue::M(HashMap::new()),
            ]),
        ),
        (
            "m",
            AttributeValue::M(item(&[
                (
                    "inner",
                    AttributeValue::M(item(&[(
                        "deep",
                        AttributeValue::L(vec![
                            AttributeValue::Bool(false),
                            AttributeValue::Ss(vec!["z".into()]),
                            b(&[16]),
                        ]),
                    )])),
                ),
                ("num", n("7")),
            ])),
        ),
        ("empty_l", AttributeValue::L(vec![])),
        ("empty_m", AttributeValue::M(HashMap::new())),
    ]);
    put(&c, "tbl", original.clone()).await;
    let got = get(&c, "tbl", item(&[("pk", s("all"))]))
        .await
        .expect("item");
    assert_eq!(normalize_item(&got), normalize_item(&original));

    // Eventually consistent read sees it too.
    let got = c
        .get_item()
        .table_name("tbl")
        .key("pk", s("all"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        normalize_item(got.item().unwrap()),
        normalize_item(&original)
    );
}

#[tokio::test]
async fn binary_keys_and_values_round_trip() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "bin", ScalarAttributeType::B, None).await;
    let payload: Vec<u8> = (0..=255u8).cycle().take(1024).collect();
    let key = vec![0u8, 255, b'k', 0x80];
    put(&c, "bin", item(&[("pk", b(&key)), ("data", b(&payload))])).await;
    let got = get(&c, "bin", item(&[("pk", b(&key))])).await.unwrap();
    assert_eq!(got["data"], b(&payload));
    assert_eq!(got["pk"], b(&key));
}

#[tokio::test]
async fn numbers_are_canonical_and_exact() {
    let (_server, c) = setup().await;
    let cases = [
        ("1.50", "1.5"),
        ("01", "1"),
        ("1.0", "1"),
        ("100", "100"),
        ("-0.50", "-0.5"),
        ("0.000", "0"),
        ("1e3", "1000"),
        ("1.5E2", "150"),
        (
            "12345678901234567890123456789012345678",
            "12345678901234567890123456789012345678",
        ),
        (
            "-1234567890.1234567890123456789012345678",
            "-1234567890.1234567890123456789012345678",
        ),
        (
            "0.00000000000000000000000000000000000001",
            "0.00000000000000000000000000000000000001",
        ),
    ];
    for (i, (given, canonical)) in cases.iter().enumerate() {
        let key = format!("n{i}");
        put(
            &c,
            "tbl",
            item(&[
                ("pk", s(&key)),
                ("n", n(given)),
                ("l", AttributeValue::L(vec![n(given)])),
            ]),
        )
        .await;
        let got = get(&c, "tbl", item(&[("pk", s(&key))])).await.unwrap();
        assert_eq!(got["n"], n(canonical), "{given}");
        assert_eq!(
            got["l"],
            AttributeValue::L(vec![n(canonical)]),
            "{given} in a list"
        );
    }
    put(
        &c,
        "tbl",
        item(&[
            ("pk", s("ns")),
            ("ns", AttributeValue::Ns(vec!["1.50".into(), "02".into()])),
        ]),
    )
    .await;
    let got = get(&c, "tbl", item(&[("pk", s("ns"))])).await.unwrap();
    assert_eq!(
        normalize(&got["ns"]),
        AttributeValue::Ns(vec!["1.5".into(), "2".into()])
    );
}

#[tokio::test]
async fn equal_numbers_are_the_same_key() {
    let (_server, c) = setup().await;
    put(
        &c,
        "hash_range",
        item(&[("pk", s("p")), ("sk", n("1")), ("v", s("one"))]),
    )
    .await;
    put(
        &c,
        "hash_range",
        item(&[("pk", s("p")), ("sk", n("10")), ("v", s("ten"))]),
    )
    .await;
    let got = get(&c, "hash_range", item(&[("pk", s("p")), ("sk", n("1.00"))]))
        .await
        .unwrap();
    assert_eq!(got["v"], s("one"));
    put(
        &c,
        "hash_range",
        item(&[("pk", s("p")), ("sk", n("01")), ("v", s("again"))]),
    )
    .await;
    let got = get(&c, "hash_range", item(&[("pk", s("p")), ("sk", n("1"))]))
        .await
        .unwrap();
    assert_eq!(
        got,
        item(&[("pk", s("p")), ("sk", n("1")), ("v", s("again"))])
    );
    let got = get(&c, "hash_range", item(&[("pk", s("p")), ("sk", n("10"))]))
        .await
        .unwrap();
    assert_eq!(got["v"], s("ten"));
}

#[tokio::test]
async fn number_errors() {
    let (_server, c) = setup().await;
    let put_n = |v: &str| {
        c.put_item()
            .table_name("tbl")
            .item("pk", s("x"))
            .item("n", n(v))
            .send()
    };
    let e = service_err(put_n("abc").await);
    assert_eq!(e.code, VALIDATION);
    let lower = e.message.to_lowercase();
    assert!(
        lower.contains("number") || lower.contains("numeric"),
        "{}",
        e.message
    );
    assert_err(
        put_n("123456789012345678901234567890123456789").await,
        VALIDATION,
        "Attempting to store more than 38 significant digits in a Number",
    );
    assert_err(
        put_n("1E126").await,
        VALIDATION,
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    );
    assert_err(
        put_n("1E-131").await,
        VALIDATION,
        "Number underflow. Attempting to store a number with magnitude smaller than supported range",
    );
    // Nothing was written.
    assert!(get(&c, "tbl", item(&[("pk", s("x"))])).await.is_none());
}

#[tokio::test]
async fn return_values_on_put_and_delete() {
    let (_server, c) = setup().await;
    let out = c
        .put_item()
        .table_name("tbl")
        .item("pk", s("rv"))
        .item("v", n("1"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert!(out.attributes().is_none());
    let out = c
        .put_item()
        .table_name("tbl")
        .item("pk", s("rv"))
        .item("v", n("2"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.attributes(),
        Some(&item(&[("pk", s("rv")), ("v", n("1"))]))
    );
    let out = c
        .put_item()
        .table_name("tbl")
        .item("pk", s("rv"))
        .item("v", n("3"))
        .return_values(ReturnValue::None)
        .send()
        .await
        .unwrap();
    assert!(out.attributes().is_none());

    for rv in [
        ReturnValue::UpdatedNew,
        ReturnValue::AllNew,
        ReturnValue::UpdatedOld,
    ] {
        assert_err(
            c.put_item()
                .table_name("tbl")
                .item("pk", s("rv"))
                .item("v", n("4"))
                .return_values(rv)
                .send()
                .await,
            VALIDATION,
            "ReturnValues can only be ALL_OLD or NONE",
        );
    }
    assert_eq!(
        get(&c, "tbl", item(&[("pk", s("rv"))])).await.unwrap()["v"],
        n("3")
    );

    let out = c
        .delete_item()
        .table_name("tbl")
        .key("pk", s("rv"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.attributes(),
        Some(&item(&[("pk", s("rv")), ("v", n("3"))]))
    );
    assert!(get(&c, "tbl", item(&[("pk", s("rv"))])).await.is_none());
    let out = c
        .delete_item()
        .table_name("tbl")
        .key("pk", s("rv"))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert!(
        out.attributes().is_none(),
        "deleting a missing item returns nothing"
    );
    assert_err(
        c.delete_item()
            .table_name("tbl")
            .key("pk", s("rv"))
            .return_values(ReturnValue::AllNew)
            .send()
            .await,
        VALIDATION,
        "ReturnValues can only be ALL_OLD or NONE",
    );
}

#[tokio::test]
async fn get_missing_item_and_overwrite() {
    let (_server, c) = setup().await;
    let out = c
        .get_item()
        .table_name("tbl")
        .key("pk", s("absent"))
        .send()
        .await
        .unwrap();
    assert!(out.item().is_none());
    put(
        &c,
        "tbl",
        item(&[("pk", s("o")), ("a", s("1")), ("b", s("2"))]),
    )
    .await;
    put(&c, "tbl", item(&[("pk", s("o")), ("c", s("3"))])).await;
    assert_eq!(
        get(&c, "tbl", item(&[("pk", s("o"))])).await.unwrap(),
        item(&[("pk", s("o")), ("c", s("3"))])
    );
}

#[tokio::test]
async fn key_schema_mismatches() {
    let (_server, c) = setup().await;
    let bad_keys: Vec<(&str, Item)> = vec![
        ("tbl", item(&[("wrong", s("a"))])),
        ("tbl", item(&[("pk", s("a")), ("extra", s("b"))])),
        ("tbl", item(&[("pk", n("1"))])),
        ("hash_range", item(&[("pk", s("a"))])),
        ("hash_range", item(&[("sk", n("1"))])),
        ("hash_range", item(&[("pk", s("a")), ("sk", s("1"))])),
    ];
    for (table, key) in bad_keys {
        assert_err(
            c.get_item()
                .table_name(table)
                .set_key(Some(key.clone()))
                .send()
                .await,
            VALIDATION,
            KEY_MISMATCH,
        );
        assert_err(
            c.delete_item()
                .table_name(table)
                .set_key(Some(key.clone()))
                .send()
                .await,
            VALIDATION,
            KEY_MISMATCH,
        );
    }
}

#[tokio::test]
async fn put_key_errors() {
    let (_server, c) = setup().await;
    assert_err(
        c.put_item()
            .table_name("tbl")
            .item("other", s("a"))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Missing the key pk in the item",
    );
    assert_err(
        c.put_item()
            .table_name("hash_range")
            .item("pk", s("a"))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Missing the key sk in the item",
    );
    assert_err(
        c.put_item()
            .table_name("tbl")
            .item("pk", n("1"))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
    );
    assert_err(
        c.put_item()
            .table_name("hash_range")
            .item("pk", s("a"))
            .item("sk", s("1"))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
    );
    assert_err(
        c.put_item()
            .table_name("tbl")
            .item("pk", s(""))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    );
}

#[tokio::test]
async fn key_size_limits() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(
        &c,
        "hs_tbl",
        ScalarAttributeType::S,
        Some(ScalarAttributeType::S),
    )
    .await;
    let ok_hash = "k".repeat(2048);
    let ok_range = "r".repeat(1024);
    put(
        &c,
        "hs_tbl",
        item(&[("pk", s(&ok_hash)), ("sk", s(&ok_range))]),
    )
    .await;
    assert!(
        get(
            &c,
            "hs_tbl",
            item(&[("pk", s(&ok_hash)), ("sk", s(&ok_range))])
        )
        .await
        .is_some()
    );
    assert_err(
        c.put_item()
            .table_name("hs_tbl")
            .item("pk", s(&"k".repeat(2049)))
            .item("sk", s("r"))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    );
    assert_err(
        c.put_item()
            .table_name("hs_tbl")
            .item("pk", s("k"))
            .item("sk", s(&"r".repeat(1025)))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    );
    // UTF-8 bytes count, not characters: 683 * 3 bytes = 2049.
    assert_err_contains(
        c.put_item()
            .table_name("hs_tbl")
            .item("pk", s(&"€".repeat(683)))
            .item("sk", s("r"))
            .send()
            .await,
        VALIDATION,
        "Size of hashkey has exceeded the maximum size limit",
    );
}

#[tokio::test]
async fn item_size_limit() {
    let (_server, c) = setup().await;
    // "pk" (2) + "a" (1) + "data" (4) + value = exactly 400 KiB.
    let exact = 400 * 1024 - 7;
    put(
        &c,
        "tbl",
        item(&[("pk", s("a")), ("data", s(&"x".repeat(exact)))]),
    )
    .await;
    let res = c
        .put_item()
        .table_name("tbl")
        .item("pk", s("a"))
        .item("data", s(&"x".repeat(exact + 1)))
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "Item size has exceeded the maximum allowed size",
    );
    let got = get(&c, "tbl", item(&[("pk", s("a"))])).await.unwrap();
    match &got["data"] {
        AttributeValue::S(v) => assert_eq!(v.len(), exact),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn malformed_sets_and_values() {
    let (_server, c) = setup().await;
    let put_v = |v: AttributeValue| {
        c.put_item()
            .table_name("tbl")
            .item("pk", s("x"))
            .item("v", v)
            .send()
    };
    assert_err(
        put_v(AttributeValue::Ss(vec![])).await,
        VALIDATION,
        "One or more parameter values were invalid: An string set  may not be empty",
    );
    assert_err(
        put_v(AttributeValue::Ns(vec![])).await,
        VALIDATION,
        "One or more parameter values were invalid: An number set  may not be empty",
    );
    assert_err(
        put_v(AttributeValue::Bs(vec![])).await,
        VALIDATION,
        "One or more parameter values were invalid: Binary sets should not be empty",
    );
    assert_err(
        put_v(AttributeValue::Ss(vec!["a".into(), "a".into()])).await,
        VALIDATION,
        "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
    );
    assert_err_contains(
        put_v(AttributeValue::Ns(vec!["1".into(), "1".into()])).await,
        VALIDATION,
        "contains duplicates",
    );
    assert_err_contains(
        put_v(AttributeValue::Null(false)).await,
        VALIDATION,
        "Null attribute value types must have the value of true",
    );
    assert!(get(&c, "tbl", item(&[("pk", s("x"))])).await.is_none());
}

#[tokio::test]
async fn item_operations_on_missing_table() {
    let server = Server::start().await;
    let c = server.client().await;
    let res = c
        .put_item()
        .table_name("nope")
        .item("pk", s("a"))
        .send()
        .await;
    match res.expect_err("missing table").into_service_error() {
        PutItemError::ResourceNotFoundException(_) => {}
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    let res = c
        .get_item()
        .table_name("nope")
        .key("pk", s("a"))
        .send()
        .await;
    match res.expect_err("missing table").into_service_error() {
        GetItemError::ResourceNotFoundException(e) => {
            assert!(
                e.message()
                    .unwrap_or_default()
                    .starts_with("Requested resource not found"),
                "{e:?}"
            )
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    let res = c
        .delete_item()
        .table_name("nope")
        .key("pk", s("a"))
        .send()
        .await;
    assert_eq!(service_err(res).code, NOT_FOUND);
}

#[tokio::test]
async fn consumed_capacity_reports_the_larger_item_and_the_table_share() {
    use aws_sdk_dynamodb::types::ReturnConsumedCapacity;
    let (_server, c) = setup().await;
    // pk "cap" (5 bytes) + v of 2,000 bytes: two started KB.
    let big = item(&[("pk", s("cap")), ("v", s(&"x".repeat(2000)))]);
    let out = c
        .put_item()
        .table_name("tbl")
        .set_item(Some(big))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let consumed = out.consumed_capacity().unwrap();
    assert_eq!(consumed.table_name(), Some("tbl"));
    assert_eq!(consumed.capacity_units(), Some(2.0));
    assert_eq!(consumed.table().and_then(|t| t.capacity_units()), Some(2.0));

    // Replacing it with a small item still costs the big one; TOTAL has no table share.
    let out = c
        .put_item()
        .table_name("tbl")
        .set_item(Some(item(&[("pk", s("cap"))])))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let consumed = out.consumed_capacity().unwrap();
    assert_eq!(consumed.capacity_units(), Some(2.0));
    assert!(consumed.table().is_none());

    // The item is small now: an eventually consistent read is half a unit.
    let out = c
        .get_item()
        .table_name("tbl")
        .key("pk", s("cap"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let consumed = out.consumed_capacity().unwrap();
    assert_eq!(consumed.capacity_units(), Some(0.5));
    assert_eq!(consumed.table().and_then(|t| t.capacity_units()), Some(0.5));
}
