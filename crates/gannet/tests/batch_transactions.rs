//! End-to-end tests of batch operations and transactions (issue 6) through aws-sdk-dynamodb.
//!
//! The first half checks the API one case at a time: BatchGetItem, BatchWriteItem (validated
//! whole: nothing is written when any request is invalid), TransactWriteItems (all-or-nothing,
//! CancellationReasons, ReturnValuesOnConditionCheckFailure, ClientRequestToken) and
//! TransactGetItems. The second half checks the guarantees under load:
//!
//! - `concurrent_transfers_and_withdrawals_conserve_money`: transfers by transaction race plain
//!   conditional withdrawals on the same accounts; every failure is an AWS conflict or condition
//!   error, consistent snapshots always balance, and so do the final books.
//! - `history_is_strictly_serializable`: a small Elle-style checker over a recorded history of
//!   version-counter registers (see `check_history`).
//! - `acknowledged_transactions_survive_kill_9`: transfers with receipts under `kill -9`.
//! - `transactional_reads_conflict_only_with_writes` and
//!   `batch_writes_racing_transactions_come_back_unprocessed`: who conflicts with whom, and how
//!   each operation reports it.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError;
use aws_sdk_dynamodb::operation::transact_write_items::{
    TransactWriteItemsError, TransactWriteItemsOutput,
};
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::builders::{
    ConditionCheckBuilder, DeleteBuilder, PutBuilder, UpdateBuilder,
};
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, ConsumedCapacity, Delete, DeleteRequest,
    Get, KeysAndAttributes, Put, PutRequest, ReturnConsumedCapacity, ReturnItemCollectionMetrics,
    ReturnValuesOnConditionCheckFailure, ScalarAttributeType, TransactGetItem, TransactWriteItem,
    Update, WriteRequest,
};
use common::*;

type Item = HashMap<String, AttributeValue>;

const NOT_FOUND_MSG: &str = "Requested resource not found";
const DUPLICATES: &str = "Provided list of item keys contains duplicates";
const SAME_ITEM_TWICE: &str = "Transaction request cannot include multiple operations on one item";
const TRANSACTION_ONGOING: &str = "Transaction is ongoing for the item";
const CANCELLED: &str =
    "Transaction cancelled, please refer cancellation reasons for specific reasons";

/// The load tests share two cores: run them one at a time.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn cancelled_message(codes: &[&str]) -> String {
    format!("{CANCELLED} [{}]", codes.join(", "))
}

fn key1(pk: &str) -> Item {
    item(&[("pk", s(pk))])
}

fn key2(pk: &str, sk: i64) -> Item {
    item(&[("pk", s(pk)), ("sk", n(&sk.to_string()))])
}

/// A server with `plain` (hash key `pk` S) and `ranged` (`pk` S, `sk` N).
async fn setup() -> (Server, Client) {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "plain", ScalarAttributeType::S, None).await;
    create_table(
        &c,
        "ranged",
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
        .expect("put_item");
}

async fn get(c: &Client, table: &str, key: Item) -> Option<Item> {
    c.get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .expect("get_item")
        .item
}

async fn scan_all(c: &Client, table: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut start = None;
    loop {
        let page = c
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan");
        out.extend(page.items().iter().cloned());
        match page.last_evaluated_key {
            Some(k) => start = Some(k),
            None => break,
        }
    }
    out.sort_by_key(sort_key);
    out
}

fn sort_key(i: &Item) -> (String, String) {
    let text = |name: &str| match i.get(name) {
        Some(AttributeValue::S(v)) | Some(AttributeValue::N(v)) => v.clone(),
        _ => String::new(),
    };
    (text("pk"), text("sk"))
}

fn sorted(mut items: Vec<Item>) -> Vec<Item> {
    items.sort_by_key(sort_key);
    items
}

fn capacity(list: &[ConsumedCapacity]) -> BTreeMap<String, f64> {
    list.iter()
        .map(|c| {
            (
                c.table_name().unwrap_or_default().to_string(),
                c.capacity_units().unwrap_or(-1.0),
            )
        })
        .collect()
}

fn num(i: &Item, name: &str) -> i64 {
    match i.get(name) {
        Some(AttributeValue::N(v)) => v.parse().unwrap_or_else(|_| panic!("{name}: {v}")),
        other => panic!("{name}: expected a number, got {other:?} in {i:?}"),
    }
}

fn text(i: &Item, name: &str) -> String {
    match i.get(name) {
        Some(AttributeValue::S(v)) => v.clone(),
        other => panic!("{name}: expected a string, got {other:?} in {i:?}"),
    }
}

// --- request builders ------------------------------------------------------------------------

fn put_req(it: Item) -> WriteRequest {
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(it)).build().unwrap())
        .build()
}

fn del_req(key: Item) -> WriteRequest {
    WriteRequest::builder()
        .delete_request(DeleteRequest::builder().set_key(Some(key)).build().unwrap())
        .build()
}

fn keys_and(keys: Vec<Item>) -> aws_sdk_dynamodb::types::builders::KeysAndAttributesBuilder {
    KeysAndAttributes::builder().set_keys(Some(keys))
}

fn tx_put(table: &str, it: Item) -> PutBuilder {
    Put::builder().table_name(table).set_item(Some(it))
}

fn tx_update(table: &str, key: Item, expression: &str) -> UpdateBuilder {
    Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(expression)
}

fn tx_delete(table: &str, key: Item) -> DeleteBuilder {
    Delete::builder().table_name(table).set_key(Some(key))
}

fn tx_check(table: &str, key: Item, condition: &str) -> ConditionCheckBuilder {
    ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(key))
        .condition_expression(condition)
}

fn w_put(p: PutBuilder) -> TransactWriteItem {
    TransactWriteItem::builder().put(p.build().unwrap()).build()
}

fn w_update(u: UpdateBuilder) -> TransactWriteItem {
    TransactWriteItem::builder()
        .update(u.build().unwrap())
        .build()
}

fn w_delete(d: DeleteBuilder) -> TransactWriteItem {
    TransactWriteItem::builder()
        .delete(d.build().unwrap())
        .build()
}

fn w_check(cc: ConditionCheckBuilder) -> TransactWriteItem {
    TransactWriteItem::builder()
        .condition_check(cc.build().unwrap())
        .build()
}

fn t_get(table: &str, key: Item, projection: Option<&str>) -> TransactGetItem {
    TransactGetItem::builder()
        .get(
            Get::builder()
                .table_name(table)
                .set_key(Some(key))
                .set_projection_expression(projection.map(str::to_string))
                .build()
                .unwrap(),
        )
        .build()
}

type TxWriteResult =
    Result<TransactWriteItemsOutput, SdkError<TransactWriteItemsError, HttpResponse>>;

/// The message and CancellationReasons of a TransactionCanceledException (panics otherwise).
#[track_caller]
fn cancelled(res: TxWriteResult) -> (String, Vec<CancellationReason>) {
    match res {
        Err(SdkError::ServiceError(ctx)) => {
            assert_eq!(ctx.raw().status().as_u16(), 400);
            match ctx.into_err() {
                TransactWriteItemsError::TransactionCanceledException(e) => (
                    e.message().unwrap_or_default().to_string(),
                    e.cancellation_reasons().to_vec(),
                ),
                other => panic!("expected TransactionCanceledException, got {other:?}"),
            }
        }
        other => panic!("expected TransactionCanceledException, got {other:?}"),
    }
}

fn codes(reasons: &[CancellationReason]) -> Vec<&str> {
    reasons
        .iter()
        .map(|r| r.code().unwrap_or("<no Code>"))
        .collect()
}

// --- BatchGetItem ----------------------------------------------------------------------------

#[tokio::test]
async fn batch_get_item_across_tables() {
    let (_server, c) = setup().await;
    for i in 0..3 {
        put(
            &c,
            "plain",
            item(&[
                ("pk", s(&format!("p{i}"))),
                ("a", n(&i.to_string())),
                ("b", s("xxxx")),
            ]),
        )
        .await;
        put(
            &c,
            "ranged",
            item(&[
                ("pk", s("h")),
                ("sk", n(&i.to_string())),
                ("data", s(&format!("d{i}"))),
                ("other", n("7")),
            ]),
        )
        .await;
    }
    let resp = c
        .batch_get_item()
        .request_items(
            "plain",
            keys_and(vec![key1("p0"), key1("p2"), key1("nope")])
                .projection_expression("pk, #a")
                .expression_attribute_names("#a", "a")
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .request_items(
            "ranged",
            keys_and(vec![key2("h", 1), key2("h", 99), key2("missing", 1)])
                .projection_expression("sk, #d")
                .expression_attribute_names("#d", "data")
                .build()
                .unwrap(),
        )
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert!(resp.unprocessed_keys().is_none_or(|u| u.is_empty()));
    let responses = resp.responses().unwrap();
    assert_eq!(
        sorted(responses["plain"].clone()),
        vec![
            item(&[("pk", s("p0")), ("a", n("0"))]),
            item(&[("pk", s("p2")), ("a", n("2"))]),
        ]
    );
    assert_eq!(
        responses["ranged"],
        vec![item(&[("sk", n("1")), ("data", s("d1"))])]
    );
    // A strongly consistent read costs a unit per key, an eventually consistent one half.
    assert_eq!(
        capacity(resp.consumed_capacity()),
        BTreeMap::from([("plain".to_string(), 3.0), ("ranged".to_string(), 1.5)])
    );

    // AttributesToGet (legacy) works per table too.
    let resp = c
        .batch_get_item()
        .request_items(
            "plain",
            keys_and(vec![key1("p1")])
                .attributes_to_get("b")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.responses().unwrap()["plain"],
        vec![item(&[("b", s("xxxx"))])]
    );
}

#[tokio::test]
async fn batch_get_item_errors() {
    let (_server, c) = setup().await;
    let res = c
        .batch_get_item()
        .request_items(
            "plain",
            keys_and(vec![key1("a"), key1("b"), key1("a")])
                .build()
                .unwrap(),
        )
        .send()
        .await;
    assert_err(res, VALIDATION, DUPLICATES);
    // The same key spelled with another number form is still the same key.
    let res = c
        .batch_get_item()
        .request_items(
            "ranged",
            keys_and(vec![
                key2("a", 1),
                key2("a", 2),
                item(&[("pk", s("a")), ("sk", n("1.0"))]),
            ])
            .build()
            .unwrap(),
        )
        .send()
        .await;
    assert_err(res, VALIDATION, DUPLICATES);

    let many: Vec<Item> = (0..101).map(|i| key1(&format!("k{i}"))).collect();
    let res = c
        .batch_get_item()
        .request_items("plain", keys_and(many.clone()).build().unwrap())
        .send()
        .await;
    assert_err_contains(
        res,
        VALIDATION,
        "Member must have length less than or equal to 100",
    );
    let res = c
        .batch_get_item()
        .request_items("plain", keys_and(many[..60].to_vec()).build().unwrap())
        .request_items(
            "ranged",
            keys_and((0..41).map(|i| key2("h", i)).collect())
                .build()
                .unwrap(),
        )
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "Too many items requested for the BatchGetItem call",
    );
    // Exactly 100 is allowed.
    let resp = c
        .batch_get_item()
        .request_items("plain", keys_and(many[..100].to_vec()).build().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.responses().unwrap()["plain"], Vec::<Item>::new());

    let res = c
        .batch_get_item()
        .request_items("plain", keys_and(vec![key1("a")]).build().unwrap())
        .request_items("no_such_table", keys_and(vec![key1("a")]).build().unwrap())
        .send()
        .await;
    assert_err(res, NOT_FOUND, NOT_FOUND_MSG);
    let res = c
        .batch_get_item()
        .request_items(
            "plain",
            keys_and(vec![item(&[("other", s("a"))])]).build().unwrap(),
        )
        .send()
        .await;
    assert_err(res, VALIDATION, KEY_MISMATCH);
}

/// A response carries at most 16 MB of items; the keys past that come back as UnprocessedKeys,
/// with the table's other request members, and a second call gets them.
#[tokio::test]
async fn batch_get_item_16_mb_limit() {
    let (_server, c) = setup().await;
    let data = "d".repeat(399 * 1024);
    let keys: Vec<Item> = (0..42).map(|i| key1(&format!("k{i:02}"))).collect();
    for chunk in keys.chunks(21) {
        let puts = chunk
            .iter()
            .map(|k| {
                let mut it = k.clone();
                it.insert("d".into(), s(&data));
                put_req(it)
            })
            .collect();
        c.batch_write_item()
            .request_items("plain", puts)
            .send()
            .await
            .unwrap();
    }
    // DynamoDB's item size: attribute names plus values.
    let size = |i: &Item| -> usize {
        i.iter()
            .map(|(name, v)| {
                name.len()
                    + match v {
                        AttributeValue::S(x) => x.len(),
                        other => panic!("{other:?}"),
                    }
            })
            .sum()
    };
    let resp = c
        .batch_get_item()
        .request_items(
            "plain",
            keys_and(keys.clone())
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let got = &resp.responses().unwrap()["plain"];
    let bytes: usize = got.iter().map(size).sum();
    assert!(
        bytes <= 16 * 1024 * 1024,
        "{} items, {bytes} bytes: over 16 MB",
        got.len()
    );
    assert!(got.len() >= 40, "only {} items answered", got.len());
    let unprocessed = &resp.unprocessed_keys().unwrap()["plain"];
    assert_eq!(unprocessed.consistent_read(), Some(true));
    assert_eq!(got.len() + unprocessed.keys().len(), keys.len());
    let rest = c
        .batch_get_item()
        .request_items("plain", unprocessed.clone())
        .send()
        .await
        .unwrap();
    let mut all: Vec<String> = got
        .iter()
        .chain(rest.responses().unwrap()["plain"].iter())
        .map(|i| text(i, "pk"))
        .collect();
    all.sort();
    let expected: Vec<String> = (0..42).map(|i| format!("k{i:02}")).collect();
    assert_eq!(all, expected);
    assert!(rest.unprocessed_keys().is_none_or(|u| u.is_empty()));
}

// --- BatchWriteItem --------------------------------------------------------------------------

#[tokio::test]
async fn batch_write_item_puts_and_deletes_across_tables() {
    let (_server, c) = setup().await;
    put(&c, "plain", item(&[("pk", s("old")), ("v", n("1"))])).await;
    put(&c, "ranged", key2("h", 9)).await;
    let resp = c
        .batch_write_item()
        .request_items(
            "plain",
            vec![
                put_req(item(&[("pk", s("a")), ("v", n("1"))])),
                put_req(item(&[
                    ("pk", s("b")),
                    ("v", AttributeValue::L(vec![s("x")])),
                ])),
                del_req(key1("old")),
                del_req(key1("never-existed")),
            ],
        )
        .request_items(
            "ranged",
            vec![
                put_req(item(&[("pk", s("h")), ("sk", n("1")), ("x", s("one"))])),
                put_req(key2("h", 2)),
                del_req(key2("h", 9)),
            ],
        )
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .return_item_collection_metrics(ReturnItemCollectionMetrics::Size)
        .send()
        .await
        .unwrap();
    assert!(resp.unprocessed_items().is_none_or(|u| u.is_empty()));
    assert_eq!(
        capacity(resp.consumed_capacity()),
        BTreeMap::from([("plain".to_string(), 4.0), ("ranged".to_string(), 3.0)])
    );
    assert_eq!(
        scan_all(&c, "plain").await,
        vec![
            item(&[("pk", s("a")), ("v", n("1"))]),
            item(&[("pk", s("b")), ("v", AttributeValue::L(vec![s("x")]))]),
        ]
    );
    assert_eq!(
        scan_all(&c, "ranged").await,
        vec![
            item(&[("pk", s("h")), ("sk", n("1")), ("x", s("one"))]),
            key2("h", 2)
        ]
    );
    let resp = c
        .batch_write_item()
        .request_items("plain", vec![put_req(key1("a"))])
        .send()
        .await
        .unwrap();
    assert!(resp.consumed_capacity.is_none());
    assert_eq!(get(&c, "plain", key1("a")).await, Some(key1("a")));
}

#[tokio::test]
async fn batch_write_item_invalid_requests_write_nothing() {
    let (_server, c) = setup().await;
    put(&c, "plain", item(&[("pk", s("keep")), ("v", n("1"))])).await;
    let before_plain = scan_all(&c, "plain").await;
    let unchanged = || async {
        assert_eq!(scan_all(&c, "plain").await, before_plain);
        assert_eq!(scan_all(&c, "ranged").await, Vec::<Item>::new());
    };

    // Duplicates (a put and a delete of one item count too).
    let res = c
        .batch_write_item()
        .request_items("plain", vec![put_req(key1("new")), del_req(key1("keep"))])
        .request_items("ranged", vec![put_req(key2("h", 1)), del_req(key2("h", 1))])
        .send()
        .await;
    assert_err(res, VALIDATION, DUPLICATES);
    unchanged().await;

    // More than 25 requests: in one table, and over two.
    let puts: Vec<WriteRequest> = (0..26).map(|i| put_req(key1(&format!("k{i}")))).collect();
    let res = c
        .batch_write_item()
        .request_items("plain", puts.clone())
        .send()
        .await;
    assert_err_contains(
        res,
        VALIDATION,
        "Member must have length less than or equal to 25",
    );
    let res = c
        .batch_write_item()
        .request_items("plain", puts[..13].to_vec())
        .request_items("ranged", (0..13).map(|i| put_req(key2("h", i))).collect())
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "Too many items requested for the BatchWriteItem call",
    );
    unchanged().await;

    // One item over 400 KB.
    let res = c
        .batch_write_item()
        .request_items("ranged", vec![put_req(key2("h", 1))])
        .request_items(
            "plain",
            vec![
                put_req(key1("small")),
                put_req(item(&[
                    ("pk", s("big")),
                    ("blob", s(&"x".repeat(400 * 1024))),
                ])),
            ],
        )
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "Item size has exceeded the maximum allowed size",
    );
    unchanged().await;

    // A missing table.
    let res = c
        .batch_write_item()
        .request_items("plain", vec![put_req(key1("x"))])
        .request_items("ranged", vec![put_req(key2("h", 1))])
        .request_items("no_such_table", vec![put_req(key1("x"))])
        .send()
        .await;
    assert_err(res, NOT_FOUND, NOT_FOUND_MSG);
    unchanged().await;

    // A key of the wrong type, or no key: a batch calls both a key that does not match the
    // schema (PutItem names the attribute).
    for bad in [item(&[("pk", n("1"))]), item(&[("other", s("x"))])] {
        let res = c
            .batch_write_item()
            .request_items("plain", vec![put_req(key1("x")), put_req(bad)])
            .send()
            .await;
        assert_err(
            res,
            VALIDATION,
            "The provided key element does not match the schema",
        );
        unchanged().await;
    }

    // The same table by name and by ARN is one table: the same key under both is a duplicate.
    let arn = c
        .describe_table()
        .table_name("plain")
        .send()
        .await
        .expect("describe_table")
        .table
        .and_then(|t| t.table_arn)
        .expect("table ARN");
    let res = c
        .batch_write_item()
        .request_items("plain", vec![put_req(key1("twice"))])
        .request_items(arn.as_str(), vec![put_req(key1("twice"))])
        .send()
        .await;
    assert_err(res, VALIDATION, DUPLICATES);
    unchanged().await;

    // ReturnItemCollectionMetrics is SIZE or NONE.
    let res = c
        .batch_write_item()
        .request_items("plain", vec![put_req(key1("x"))])
        .return_item_collection_metrics(ReturnItemCollectionMetrics::from("BOGUS"))
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "1 validation error detected: Value 'BOGUS' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
    );
    unchanged().await;

    // Exactly 25 is fine.
    c.batch_write_item()
        .request_items("plain", puts[..25].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(scan_all(&c, "plain").await.len(), 26);
}

// --- TransactWriteItems ----------------------------------------------------------------------

#[tokio::test]
async fn transact_write_items_across_tables() {
    let (_server, c) = setup().await;
    put(&c, "plain", item(&[("pk", s("acct")), ("bal", n("100"))])).await;
    put(&c, "plain", key1("gone")).await;
    put(
        &c,
        "ranged",
        item(&[
            ("pk", s("guard")),
            ("sk", n("0")),
            ("open", AttributeValue::Bool(true)),
        ]),
    )
    .await;
    let resp = c
        .transact_write_items()
        .transact_items(w_put(
            tx_put(
                "ranged",
                item(&[("pk", s("log")), ("sk", n("1")), ("amt", n("30"))]),
            )
            .condition_expression("attribute_not_exists(pk)"),
        ))
        .transact_items(w_update(
            tx_update("plain", key1("acct"), "SET bal = bal - :amt")
                .condition_expression("bal >= :amt")
                .expression_attribute_values(":amt", n("30")),
        ))
        .transact_items(w_delete(tx_delete("plain", key1("gone"))))
        .transact_items(w_check(
            tx_check("ranged", key2("guard", 0), "#o = :t")
                .expression_attribute_names("#o", "open")
                .expression_attribute_values(":t", AttributeValue::Bool(true)),
        ))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    // Two units per item written or checked.
    assert_eq!(
        capacity(resp.consumed_capacity()),
        BTreeMap::from([("plain".to_string(), 4.0), ("ranged".to_string(), 4.0)])
    );
    assert_eq!(
        get(&c, "plain", key1("acct")).await,
        Some(item(&[("pk", s("acct")), ("bal", n("70"))]))
    );
    assert_eq!(get(&c, "plain", key1("gone")).await, None);
    assert_eq!(
        get(&c, "ranged", key2("log", 1)).await,
        Some(item(&[("pk", s("log")), ("sk", n("1")), ("amt", n("30"))]))
    );
}

#[tokio::test]
async fn transact_write_items_failed_condition_changes_nothing() {
    let (_server, c) = setup().await;
    put(&c, "plain", item(&[("pk", s("a")), ("bal", n("10"))])).await;
    put(&c, "plain", item(&[("pk", s("b")), ("bal", n("5"))])).await;
    put(
        &c,
        "ranged",
        item(&[("pk", s("r")), ("sk", n("1")), ("v", s("keep"))]),
    )
    .await;
    let before = (scan_all(&c, "plain").await, scan_all(&c, "ranged").await);

    let res = c
        .transact_write_items()
        .transact_items(w_update(
            tx_update("plain", key1("a"), "SET bal = bal + :x")
                .expression_attribute_values(":x", n("50")),
        ))
        .transact_items(w_update(
            tx_update("plain", key1("b"), "SET bal = bal - :x")
                .condition_expression("bal >= :x")
                .expression_attribute_values(":x", n("50")),
        ))
        .transact_items(w_put(tx_put("ranged", key2("r", 2))))
        .transact_items(w_delete(tx_delete("ranged", key2("r", 1))))
        .send()
        .await;
    let (message, reasons) = cancelled(res);
    assert_eq!(
        message,
        cancelled_message(&["None", "ConditionalCheckFailed", "None", "None"])
    );
    assert_eq!(
        codes(&reasons),
        ["None", "ConditionalCheckFailed", "None", "None"]
    );
    assert_eq!(reasons[1].message(), Some("The conditional request failed"));
    assert!(reasons[1].item().is_none());
    assert_eq!(
        (scan_all(&c, "plain").await, scan_all(&c, "ranged").await),
        before
    );

    let res = c
        .transact_write_items()
        .transact_items(w_put(tx_put("plain", key1("c"))))
        .transact_items(w_check(tx_check(
            "ranged",
            key2("r", 1),
            "attribute_not_exists(v)",
        )))
        .send()
        .await;
    let (message, reasons) = cancelled(res);
    assert_eq!(
        message,
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"
    );
    assert_eq!(codes(&reasons), ["None", "ConditionalCheckFailed"]);
    assert_eq!(
        (scan_all(&c, "plain").await, scan_all(&c, "ranged").await),
        before
    );
}

#[tokio::test]
async fn transact_write_items_return_values_on_condition_check_failure() {
    let (_server, c) = setup().await;
    let old_a = item(&[
        ("pk", s("a")),
        ("v", n("1")),
        ("tag", AttributeValue::Ss(vec!["x".into()])),
    ]);
    put(&c, "plain", old_a.clone()).await;
    put(&c, "plain", item(&[("pk", s("b")), ("v", n("2"))])).await;
    let res = c
        .transact_write_items()
        .transact_items(w_update(
            tx_update("plain", key1("b"), "SET v = :n")
                .condition_expression("v = :n")
                .expression_attribute_values(":n", n("2"))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                ),
        ))
        .transact_items(w_put(
            tx_put("plain", item(&[("pk", s("a")), ("v", n("100"))]))
                .condition_expression("v = :n")
                .expression_attribute_values(":n", n("2"))
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                ),
        ))
        .transact_items(w_check(
            tx_check("plain", key1("none"), "attribute_exists(pk)")
                .return_values_on_condition_check_failure(
                    ReturnValuesOnConditionCheckFailure::AllOld,
                ),
        ))
        .transact_items(w_delete(
            tx_delete("ranged", key2("r", 1)).condition_expression("attribute_exists(pk)"),
        ))
        .send()
        .await;
    let (message, reasons) = cancelled(res);
    let expected = [
        "None",
        "ConditionalCheckFailed",
        "ConditionalCheckFailed",
        "ConditionalCheckFailed",
    ];
    assert_eq!(message, cancelled_message(&expected));
    assert_eq!(codes(&reasons), expected);
    assert!(reasons[0].message().is_none() && reasons[0].item().is_none());
    assert_eq!(reasons[1].item(), Some(&old_a));
    assert!(reasons[2].item().is_none(), "no old item to return");
    assert!(reasons[3].item().is_none(), "ALL_OLD not asked for");
    assert_eq!(get(&c, "plain", key1("a")).await, Some(old_a));
}

#[tokio::test]
async fn transact_write_items_validation() {
    let (_server, c) = setup().await;
    let res = c
        .transact_write_items()
        .transact_items(w_check(tx_check(
            "plain",
            key1("a"),
            "attribute_not_exists(pk)",
        )))
        .transact_items(w_put(tx_put("plain", key1("b"))))
        .transact_items(w_update(
            tx_update("plain", key1("a"), "SET x = :x").expression_attribute_values(":x", n("1")),
        ))
        .send()
        .await;
    assert_err(res, VALIDATION, SAME_ITEM_TWICE);
    // The same hash key with different range keys are different items.
    c.transact_write_items()
        .transact_items(w_put(tx_put("ranged", key2("h", 1))))
        .transact_items(w_put(tx_put("ranged", key2("h", 2))))
        .send()
        .await
        .unwrap();

    let res = c
        .transact_write_items()
        .transact_items(w_put(tx_put("plain", key1("x"))))
        .transact_items(w_put(tx_put("no_such_table", key1("x"))))
        .send()
        .await;
    assert_err(res, NOT_FOUND, NOT_FOUND_MSG);

    let res = c
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(tx_put("plain", key1("z")).build().unwrap())
                .delete(tx_delete("plain", key1("z")).build().unwrap())
                .build(),
        )
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "TransactItems can only contain one of Check, Put, Update or Delete",
    );

    let mut req = c.transact_write_items();
    for i in 0..101 {
        req = req.transact_items(w_put(tx_put("plain", key1(&format!("k{i}")))));
    }
    assert_err_contains(
        req.send().await,
        VALIDATION,
        "Member must have length less than or equal to 100",
    );
    assert_eq!(scan_all(&c, "plain").await, Vec::<Item>::new());
}

/// The number `n` of the `plain` item `key`, if it exists.
async fn counter(c: &Client, key: &str) -> Option<i64> {
    get(c, "plain", key1(key)).await.map(|i| num(&i, "n"))
}

fn add_one(key: &str) -> TransactWriteItem {
    w_update(
        tx_update("plain", key1(key), "ADD n :one").expression_attribute_values(":one", n("1")),
    )
}

#[tokio::test]
async fn client_request_token_replay_and_mismatch() {
    let (_server, c) = setup().await;
    let token = format!("tok-{:016x}", random_u64());
    for _ in 0..3 {
        c.transact_write_items()
            .transact_items(add_one("counter"))
            .client_request_token(&token)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        counter(&c, "counter").await,
        Some(1),
        "a replayed request was applied again"
    );
    // Another token, or none, applies again.
    c.transact_write_items()
        .transact_items(add_one("counter"))
        .client_request_token(format!("other-{:016x}", random_u64()))
        .send()
        .await
        .unwrap();
    c.transact_write_items()
        .transact_items(add_one("counter"))
        .send()
        .await
        .unwrap();
    assert_eq!(counter(&c, "counter").await, Some(3));

    // The same token with another request.
    let res = c
        .transact_write_items()
        .transact_items(add_one("different"))
        .client_request_token(&token)
        .send()
        .await;
    match res {
        Err(SdkError::ServiceError(ctx)) => match ctx.into_err() {
            TransactWriteItemsError::IdempotentParameterMismatchException(e) => {
                assert!(e.message().is_some_and(|m| !m.is_empty()));
            }
            other => panic!("expected IdempotentParameterMismatchException, got {other:?}"),
        },
        other => panic!("expected IdempotentParameterMismatchException, got {other:?}"),
    }
    assert_eq!(get(&c, "plain", key1("different")).await, None);

    // The same request sent at once by several clients: applied once; the others replay it
    // or are told it is in progress.
    for round in 0..5 {
        let token = format!("race{round}-{:016x}", random_u64());
        let mut sends = Vec::new();
        for _ in 0..6 {
            let c = c.clone();
            let token = token.clone();
            sends.push(tokio::spawn(async move {
                c.transact_write_items()
                    .transact_items(add_one("raced"))
                    .client_request_token(token)
                    .send()
                    .await
            }));
        }
        for send in sends {
            match send.await.unwrap() {
                Ok(_) => {}
                Err(SdkError::ServiceError(ctx)) => match ctx.into_err() {
                    TransactWriteItemsError::TransactionInProgressException(_) => {}
                    other => panic!("unexpected answer to a raced token: {other:?}"),
                },
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(
            counter(&c, "raced").await,
            Some(round + 1),
            "a request raced under one token was applied more than once"
        );
    }

    // "a change in other parameters" is a mismatch too.
    let res = c
        .transact_write_items()
        .transact_items(add_one("counter"))
        .client_request_token(&token)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await;
    assert_eq!(
        service_err(res).code,
        "IdempotentParameterMismatchException"
    );
    assert_eq!(counter(&c, "counter").await, Some(3));
}

// --- TransactGetItems ------------------------------------------------------------------------

/// A client whose transaction was applied just before the server died retries it with the
/// same token after the restart: DynamoDB answers with a replay, never a second application.
#[tokio::test]
async fn client_request_tokens_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start_on(&data).await;
    let c = server.client().await;
    create_table(&c, "plain", ScalarAttributeType::S, None).await;
    let token = format!("tok-{:016x}", random_u64());
    c.transact_write_items()
        .transact_items(add_one("counter"))
        .client_request_token(&token)
        .send()
        .await
        .unwrap();
    // A transaction of nothing but a condition check writes no item, only its token.
    let check_token = format!("chk-{:016x}", random_u64());
    c.transact_write_items()
        .transact_items(w_check(tx_check(
            "plain",
            key1("counter"),
            "attribute_exists(n)",
        )))
        .client_request_token(&check_token)
        .send()
        .await
        .unwrap();
    server.kill9().await;

    let server = Server::start_on(&data).await;
    let c = server.client().await;
    for _ in 0..2 {
        c.transact_write_items()
            .transact_items(add_one("counter"))
            .client_request_token(&token)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(
        counter(&c, "counter").await,
        Some(1),
        "a request replayed after the restart was applied again"
    );
    for (token, request) in [
        (&token, add_one("different")),
        (
            &check_token,
            w_check(tx_check("plain", key1("counter"), "attribute_exists(m)")),
        ),
    ] {
        let res = c
            .transact_write_items()
            .transact_items(request)
            .client_request_token(token)
            .send()
            .await;
        assert_eq!(
            service_err(res).code,
            "IdempotentParameterMismatchException"
        );
    }
    assert_eq!(get(&c, "plain", key1("different")).await, None);
}

#[tokio::test]
async fn transact_get_items_projections_and_missing_items() {
    let (_server, c) = setup().await;
    let nested = AttributeValue::M(item(&[("z", s("deep")), ("w", n("2"))]));
    put(
        &c,
        "plain",
        item(&[("pk", s("a")), ("x", n("1")), ("y", nested)]),
    )
    .await;
    put(
        &c,
        "plain",
        item(&[("pk", s("a2")), ("x", n("1")), ("z", s("other"))]),
    )
    .await;
    put(
        &c,
        "ranged",
        item(&[("pk", s("h")), ("sk", n("1")), ("data", s("d"))]),
    )
    .await;
    let resp = c
        .transact_get_items()
        .transact_items(
            TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name("plain")
                        .set_key(Some(key1("a")))
                        .projection_expression("#y.z")
                        .expression_attribute_names("#y", "y")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(t_get("plain", key1("missing"), None))
        .transact_items(t_get("ranged", key2("h", 1), None))
        .transact_items(t_get("ranged", key2("h", 2), Some("sk")))
        .transact_items(t_get("plain", key1("a2"), Some("x, nothere")))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let got: Vec<Option<Item>> = resp.responses().iter().map(|r| r.item.clone()).collect();
    assert_eq!(
        got,
        vec![
            Some(item(&[("y", AttributeValue::M(item(&[("z", s("deep"))])))])),
            None,
            Some(item(&[("pk", s("h")), ("sk", n("1")), ("data", s("d"))])),
            None,
            Some(item(&[("x", n("1"))])),
        ]
    );
    assert_eq!(
        capacity(resp.consumed_capacity()),
        BTreeMap::from([("plain".to_string(), 6.0), ("ranged".to_string(), 4.0)])
    );

    let res = c
        .transact_get_items()
        .transact_items(t_get("plain", key1("a"), None))
        .transact_items(t_get("no_such_table", key1("a"), None))
        .send()
        .await;
    assert_err(res, NOT_FOUND, NOT_FOUND_MSG);

    // One item twice is refused, as in a write transaction.
    let res = c
        .transact_get_items()
        .transact_items(t_get("plain", key1("a"), None))
        .transact_items(t_get("plain", key1("a"), Some("x")))
        .send()
        .await;
    assert_err(res, VALIDATION, SAME_ITEM_TWICE);
}

// --- load helpers ----------------------------------------------------------------------------

/// xorshift64*: reproducible per task, no extra dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Two distinct indexes below `n`.
    fn pair(&mut self, n: usize) -> (usize, usize) {
        let a = self.below(n as u64) as usize;
        let b = (a + 1 + self.below(n as u64 - 1) as usize) % n;
        (a, b)
    }
}

/// How a transaction that was not applied failed, when it failed as AWS allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Conflict,
    Condition,
}

/// Classifies a TransactWriteItems failure: a cancellation whose reasons are all `None`,
/// `TransactionConflict` or `ConditionalCheckFailed` (at least one not `None`), one per item.
fn classify_tx_write(
    err: SdkError<TransactWriteItemsError, HttpResponse>,
    items: usize,
) -> Result<Refusal, String> {
    let SdkError::ServiceError(ctx) = err else {
        return Err(format!("transport error: {err:?}"));
    };
    match ctx.into_err() {
        TransactWriteItemsError::TransactionCanceledException(e) => {
            let reasons = codes(e.cancellation_reasons());
            let conflict_messages_ok = e
                .cancellation_reasons()
                .iter()
                .filter(|r| r.code() == Some("TransactionConflict"))
                .all(|r| r.message() == Some(TRANSACTION_ONGOING));
            let ok = conflict_messages_ok
                && reasons.len() == items
                && reasons
                    .iter()
                    .all(|c| ["None", "TransactionConflict", "ConditionalCheckFailed"].contains(c))
                && reasons.iter().any(|c| *c != "None")
                && e.message() == Some(cancelled_message(&reasons).as_str());
            if !ok {
                return Err(format!("bad cancellation: {:?} {reasons:?}", e.message()));
            }
            Ok(if reasons.contains(&"TransactionConflict") {
                Refusal::Conflict
            } else {
                Refusal::Condition
            })
        }
        other => Err(format!("unexpected TransactWriteItems error: {other:?}")),
    }
}

fn classify_tx_get(err: SdkError<TransactGetItemsError, HttpResponse>) -> Result<(), String> {
    let SdkError::ServiceError(ctx) = err else {
        return Err(format!("transport error: {err:?}"));
    };
    match ctx.into_err() {
        TransactGetItemsError::TransactionCanceledException(e) => {
            let reasons = codes(e.cancellation_reasons());
            if reasons
                .iter()
                .all(|c| ["None", "TransactionConflict"].contains(c))
                && reasons.contains(&"TransactionConflict")
            {
                Ok(())
            } else {
                Err(format!("bad TransactGetItems cancellation: {reasons:?}"))
            }
        }
        other => Err(format!("unexpected TransactGetItems error: {other:?}")),
    }
}

fn classify_update(err: SdkError<UpdateItemError, HttpResponse>) -> Result<Refusal, String> {
    let SdkError::ServiceError(ctx) = err else {
        return Err(format!("transport error: {err:?}"));
    };
    let message = ctx.err().message().unwrap_or_default().to_string();
    match ctx.into_err() {
        UpdateItemError::TransactionConflictException(_) if message == TRANSACTION_ONGOING => {
            Ok(Refusal::Conflict)
        }
        UpdateItemError::ConditionalCheckFailedException(_)
            if message == "The conditional request failed" =>
        {
            Ok(Refusal::Condition)
        }
        other => Err(format!("unexpected UpdateItem error: {other:?}")),
    }
}

// --- concurrency: transfers and withdrawals --------------------------------------------------

const ACCOUNTS: usize = 8;
const INITIAL: i64 = 1000;

#[derive(Default)]
struct BankStats {
    transfers: AtomicU64,
    transfer_conflicts: AtomicU64,
    transfer_refusals: AtomicU64,
    withdrawals: AtomicU64,
    withdrawn: AtomicU64,
    withdrawal_conflicts: AtomicU64,
    snapshots: AtomicU64,
    errors: Mutex<Vec<String>>,
}

impl BankStats {
    fn error(&self, e: String) {
        self.errors.lock().unwrap().push(e);
    }
}

fn account(i: usize) -> Item {
    key1(&format!("acct{i}"))
}

async fn transfer_task(c: Client, seed: u64, deadline: Instant, stats: Arc<BankStats>) {
    let mut rng = Rng::new(seed);
    while Instant::now() < deadline {
        let (src, dst) = rng.pair(ACCOUNTS);
        let amt = (1 + rng.below(300)).to_string();
        let res = c
            .transact_write_items()
            .transact_items(w_update(
                tx_update("bank", account(src), "SET bal = bal - :a")
                    .condition_expression("bal >= :a")
                    .expression_attribute_values(":a", n(&amt)),
            ))
            .transact_items(w_update(
                tx_update("bank", account(dst), "ADD bal :a")
                    .expression_attribute_values(":a", n(&amt)),
            ))
            .send()
            .await;
        match res {
            Ok(_) => {
                stats.transfers.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => match classify_tx_write(e, 2) {
                Ok(Refusal::Conflict) => {
                    stats.transfer_conflicts.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Refusal::Condition) => {
                    stats.transfer_refusals.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => stats.error(e),
            },
        }
    }
}

/// Plain conditional withdrawals; each also adds its amount to the account's `out`, so that
/// `bal + out` summed over every account is the initial total in any consistent snapshot.
async fn withdraw_task(c: Client, seed: u64, deadline: Instant, stats: Arc<BankStats>) {
    let mut rng = Rng::new(seed);
    while Instant::now() < deadline {
        let amt = 1 + rng.below(10);
        let res = c
            .update_item()
            .table_name("bank")
            .set_key(Some(account(rng.below(ACCOUNTS as u64) as usize)))
            .update_expression("SET bal = bal - :a ADD #out :a")
            .condition_expression("bal >= :a")
            .expression_attribute_names("#out", "out")
            .expression_attribute_values(":a", n(&amt.to_string()))
            .send()
            .await;
        match res {
            Ok(_) => {
                stats.withdrawals.fetch_add(1, Ordering::Relaxed);
                stats.withdrawn.fetch_add(amt, Ordering::Relaxed);
            }
            Err(e) => match classify_update(e) {
                Ok(Refusal::Conflict) => {
                    stats.withdrawal_conflicts.fetch_add(1, Ordering::Relaxed);
                }
                Ok(Refusal::Condition) => {}
                Err(e) => stats.error(e),
            },
        }
    }
}

/// TransactGetItems of every account: each snapshot must balance exactly.
async fn audit_task(c: Client, deadline: Instant, stats: Arc<BankStats>) {
    while Instant::now() < deadline {
        let mut req = c.transact_get_items();
        for i in 0..ACCOUNTS {
            req = req.transact_items(t_get("bank", account(i), None));
        }
        match req.send().await {
            Ok(resp) => {
                let items: Vec<Item> = resp
                    .responses()
                    .iter()
                    .map(|r| r.item.clone().expect("account present"))
                    .collect();
                let total: i64 = items
                    .iter()
                    .map(|i| num(i, "bal") + i.get("out").map_or(0, |_| num(i, "out")))
                    .sum();
                if total != INITIAL * ACCOUNTS as i64 || items.iter().any(|i| num(i, "bal") < 0) {
                    stats.error(format!("inconsistent snapshot: {items:?}"));
                }
                stats.snapshots.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                if let Err(e) = classify_tx_get(e) {
                    stats.error(e);
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_transfers_and_withdrawals_conserve_money() {
    let _heavy = HEAVY.lock().await;
    let server = Server::start_on_disk().await;
    let c = server.client().await;
    create_table(&c, "bank", ScalarAttributeType::S, None).await;
    c.batch_write_item()
        .request_items(
            "bank",
            (0..ACCOUNTS)
                .map(|i| {
                    let mut it = account(i);
                    it.insert("bal".into(), n(&INITIAL.to_string()));
                    put_req(it)
                })
                .collect(),
        )
        .send()
        .await
        .unwrap();

    let stats = Arc::new(BankStats::default());
    let deadline = Instant::now() + Duration::from_secs(5);
    let seed = random_u64();
    let mut tasks = Vec::new();
    for t in 0..8u64 {
        let c = server.client().await;
        tasks.push(tokio::spawn(transfer_task(
            c,
            seed ^ t,
            deadline,
            stats.clone(),
        )));
    }
    for t in 0..4u64 {
        let c = server.client().await;
        tasks.push(tokio::spawn(withdraw_task(
            c,
            seed ^ (100 + t),
            deadline,
            stats.clone(),
        )));
    }
    for _ in 0..2 {
        let c = server.client().await;
        tasks.push(tokio::spawn(audit_task(c, deadline, stats.clone())));
    }
    for t in tasks {
        t.await.unwrap();
    }

    let errors = stats.errors.lock().unwrap().clone();
    assert!(
        errors.is_empty(),
        "{} unexpected outcomes (seed {seed:#x}), e.g. {:#?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
    eprintln!(
        "transfers {} (conflicts {}, refused {}), withdrawals {} (conflicts {}), snapshots {}",
        load(&stats.transfers),
        load(&stats.transfer_conflicts),
        load(&stats.transfer_refusals),
        load(&stats.withdrawals),
        load(&stats.withdrawal_conflicts),
        load(&stats.snapshots),
    );
    assert!(load(&stats.transfers) > 0 && load(&stats.withdrawals) > 0);
    assert!(load(&stats.snapshots) > 0);
    // Eight transfer clients over eight accounts do collide, and must be told so.
    assert!(
        load(&stats.transfer_conflicts) > 0,
        "no transfer was ever cancelled for TransactionConflict"
    );
    assert!(
        load(&stats.withdrawal_conflicts) > 0,
        "no withdrawal ever met a transaction (TransactionConflictException)"
    );

    let accounts = scan_all(&c, "bank").await;
    assert_eq!(accounts.len(), ACCOUNTS);
    assert!(
        accounts.iter().all(|i| num(i, "bal") >= 0),
        "negative balance: {accounts:?}"
    );
    let total: i64 = accounts.iter().map(|i| num(i, "bal")).sum();
    let out: i64 = accounts
        .iter()
        .map(|i| i.get("out").map_or(0, |_| num(i, "out")))
        .sum();
    let withdrawn = load(&stats.withdrawn) as i64;
    assert_eq!(
        total,
        INITIAL * ACCOUNTS as i64 - withdrawn,
        "money appeared or vanished"
    );
    assert_eq!(
        out, withdrawn,
        "acknowledged withdrawals and `out` disagree"
    );
}

// --- history checker -------------------------------------------------------------------------

/// One acknowledged operation of the history: what it observed and what it installed.
#[derive(Debug, Clone)]
struct Op {
    /// Who did what, for error messages.
    label: String,
    start: Instant,
    end: Instant,
    /// (register, version, value) the operation observed: the value is known for reads
    /// (TransactGetItems, GetItem) and unknown for versions a write's condition checked.
    reads: Vec<(usize, u64, Option<String>)>,
    /// (register, version, value) the operation installed (the previous version + 1).
    writes: Vec<(usize, u64, String)>,
}

const INITIAL_VALUE: &str = "init";

/// Checks that a history of version-counter registers is strictly serializable.
///
/// Each register holds `ver` (a counter) and `val` (a tag unique to the write that installed
/// the version). Every write installs `v + 1` under the condition `ver = v`, so the history
/// tells us exactly which operation wrote which version. The checker:
///
/// 1. Version chains. For each register, the acknowledged writes must install each version at
///    most once (two writes installing `v` means both read `v - 1`: a lost update or fork) and
///    every version from 1 to the register's final version (no gap: a gap is a version no
///    acknowledged write installed, i.e. a cancelled or failed transaction that took effect).
///    The final version and value must be those of the last write.
/// 2. Reads. Every observed version must exist on the chain, and every observed value must be
///    the value its version's writer installed (no dirty, torn or invented values).
/// 3. A dependency graph over the operations, as in Adya's formalism and Jepsen's Elle:
///    ww (writer of v -> writer of v + 1), wr (writer of v -> each op that observed v),
///    rw (each op that observed v -> writer of v + 1), plus real-time order (A -> B when A was
///    acknowledged before B was sent). Real-time edges go through a chain of time nodes (one
///    per start/end event, in time order: A -> end(A) -> ... -> start(B) -> B), which encodes
///    all of them with O(n) edges. A cycle means no serial order is consistent with what the
///    operations observed and with real time; this catches fractured reads (a read seeing part
///    of a transaction), read skew, write skew through ConditionCheck, lost updates, and
///    registers observed going backwards in time.
///
/// Returns the number of edges checked.
fn check_history(ops: &[Op], registers: usize) -> Result<usize, String> {
    let describe = |i: usize| format!("{} {:?} -> {:?}", ops[i].label, ops[i].reads, ops[i].writes);

    // 1. Version chains.
    let mut writer: Vec<HashMap<u64, usize>> = vec![HashMap::new(); registers];
    for (i, op) in ops.iter().enumerate() {
        for (r, v, _) in &op.writes {
            if *v == 0 {
                return Err(format!("version 0 written by {}", describe(i)));
            }
            if let Some(other) = writer[*r].insert(*v, i) {
                return Err(format!(
                    "register {r} version {v} installed twice (lost update):\n  {}\n  {}",
                    describe(other),
                    describe(i)
                ));
            }
        }
    }
    let mut max_version = vec![0u64; registers];
    for r in 0..registers {
        let max = writer[r].keys().copied().max().unwrap_or(0);
        for v in 1..=max {
            if !writer[r].contains_key(&v) {
                return Err(format!(
                    "register {r}: version {v} has no acknowledged writer (chain up to {max})"
                ));
            }
        }
        max_version[r] = max;
    }
    let value_of = |r: usize, v: u64| -> String {
        if v == 0 {
            INITIAL_VALUE.to_string()
        } else {
            ops[writer[r][&v]]
                .writes
                .iter()
                .find(|w| w.0 == r)
                .unwrap()
                .2
                .clone()
        }
    };

    // 2. Reads.
    for (i, op) in ops.iter().enumerate() {
        for (r, v, val) in &op.reads {
            if *v > max_version[*r] {
                return Err(format!(
                    "register {r} version {v} observed but never written: {}",
                    describe(i)
                ));
            }
            if let Some(val) = val
                && *val != value_of(*r, *v)
            {
                return Err(format!(
                    "register {r} version {v} observed with value {val:?}, written as {:?}: {}",
                    value_of(*r, *v),
                    describe(i)
                ));
            }
        }
    }

    // 3. The graph: ops are nodes 0..n, time events n..n + 2n.
    let n = ops.len();
    let mut edges: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        for (r, v, _) in &op.writes {
            if let Some(&next) = writer[*r].get(&(v + 1)) {
                edges.push((i, next, "ww"));
            }
        }
        for (r, v, _) in &op.reads {
            if *v > 0 {
                let w = writer[*r][v];
                if w != i {
                    edges.push((w, i, "wr"));
                }
            }
            if let Some(&next) = writer[*r].get(&(v + 1))
                && next != i
            {
                edges.push((i, next, "rw"));
            }
        }
    }
    // Time events; at equal instants a start sorts before an end, so no order is invented.
    let mut events: Vec<(Instant, u8, usize)> = Vec::with_capacity(2 * n);
    for (i, op) in ops.iter().enumerate() {
        events.push((op.start, 0, i));
        events.push((op.end, 1, i));
    }
    events.sort();
    for (e, (_, kind, op)) in events.iter().enumerate() {
        let node = n + e;
        if e + 1 < events.len() {
            edges.push((node, node + 1, "time"));
        }
        if *kind == 0 {
            edges.push((node, *op, "time"));
        } else {
            edges.push((*op, node, "time"));
        }
    }

    // Kahn's algorithm; whatever cannot be ordered lies on or behind a cycle.
    let nodes = n + events.len();
    let mut out: Vec<Vec<(usize, &'static str)>> = vec![Vec::new(); nodes];
    let mut indegree = vec![0usize; nodes];
    for &(a, b, kind) in &edges {
        out[a].push((b, kind));
        indegree[b] += 1;
    }
    let mut ready: Vec<usize> = (0..nodes).filter(|&v| indegree[v] == 0).collect();
    let mut ordered = 0;
    while let Some(v) = ready.pop() {
        ordered += 1;
        for &(w, _) in &out[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.push(w);
            }
        }
    }
    if ordered == nodes {
        return Ok(edges.len());
    }
    // Walk predecessors inside the unordered part until a node repeats: that is a cycle.
    let mut preds: Vec<Vec<(usize, &'static str)>> = vec![Vec::new(); nodes];
    for &(a, b, kind) in &edges {
        if indegree[a] > 0 && indegree[b] > 0 {
            preds[b].push((a, kind));
        }
    }
    let mut at = (0..nodes).find(|&v| indegree[v] > 0).unwrap();
    let mut seen: HashMap<usize, usize> = HashMap::new();
    let mut path: Vec<(usize, &'static str)> = Vec::new();
    while !seen.contains_key(&at) {
        seen.insert(at, path.len());
        let (p, kind) = preds[at][0];
        path.push((at, kind));
        at = p;
    }
    let cycle: Vec<String> = path[seen[&at]..]
        .iter()
        .rev()
        .filter(|(v, _)| *v < n)
        .map(|(v, kind)| format!("  --{kind}--> {}", describe(*v)))
        .collect();
    Err(format!(
        "the history is not serializable; a cycle through:\n{}",
        cycle.join("\n")
    ))
}

#[test]
fn history_checker_catches_anomalies() {
    let t0 = Instant::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let op = |label: &str,
              start: u64,
              end: u64,
              reads: &[(usize, u64, Option<&str>)],
              writes: &[(usize, u64, &str)]| Op {
        label: label.into(),
        start: at(start),
        end: at(end),
        reads: reads
            .iter()
            .map(|(r, v, x)| (*r, *v, x.map(str::to_string)))
            .collect(),
        writes: writes
            .iter()
            .map(|(r, v, x)| (*r, *v, x.to_string()))
            .collect(),
    };
    // T1 writes both registers to version 1; the reads see none or all of it.
    let t1 = op(
        "t1",
        0,
        10,
        &[(0, 0, None), (1, 0, None)],
        &[(0, 1, "a"), (1, 1, "a")],
    );
    let good = vec![
        t1.clone(),
        op(
            "r-before",
            0,
            5,
            &[(0, 0, Some("init")), (1, 0, Some("init"))],
            &[],
        ),
        op(
            "r-after",
            11,
            12,
            &[(0, 1, Some("a")), (1, 1, Some("a"))],
            &[],
        ),
        op("t2", 13, 14, &[(0, 1, None)], &[(0, 2, "b")]),
    ];
    check_history(&good, 2).unwrap();

    let fractured = vec![
        t1.clone(),
        op("r", 0, 20, &[(0, 1, Some("a")), (1, 0, Some("init"))], &[]),
    ];
    assert!(check_history(&fractured, 2).unwrap_err().contains("cycle"));

    let stale = vec![
        t1.clone(),
        op("r-late", 11, 12, &[(0, 0, Some("init"))], &[]),
    ];
    assert!(check_history(&stale, 2).unwrap_err().contains("cycle"));

    let lost_update = vec![
        op("w1", 0, 10, &[(0, 0, None)], &[(0, 1, "x")]),
        op("w2", 0, 10, &[(0, 0, None)], &[(0, 1, "y")]),
    ];
    assert!(
        check_history(&lost_update, 1)
            .unwrap_err()
            .contains("twice")
    );

    let gap = vec![op("w", 0, 10, &[(0, 1, None)], &[(0, 2, "x")])];
    assert!(
        check_history(&gap, 1)
            .unwrap_err()
            .contains("no acknowledged writer")
    );

    let wrong_value = vec![t1.clone(), op("r", 11, 12, &[(0, 1, Some("zz"))], &[])];
    assert!(
        check_history(&wrong_value, 2)
            .unwrap_err()
            .contains("value")
    );

    // Write skew through ConditionCheck: each checked the other's register at version 0 and
    // wrote its own; serial order would make one of them see the other's write.
    let skew = vec![
        op("s1", 0, 10, &[(0, 0, None), (1, 0, None)], &[(0, 1, "p")]),
        op("s2", 0, 10, &[(1, 0, None), (0, 0, None)], &[(1, 1, "q")]),
    ];
    assert!(check_history(&skew, 2).unwrap_err().contains("cycle"));
}

const REGISTERS: usize = 5;

fn register(r: usize) -> Item {
    key1(&format!("reg{r}"))
}

/// Reads registers with TransactGetItems; None when the read was cancelled by a conflict.
async fn read_registers(c: &Client, regs: &[usize], label: &str) -> Result<Option<Op>, String> {
    let start = Instant::now();
    let mut req = c.transact_get_items();
    for &r in regs {
        req = req.transact_items(t_get("hist", register(r), None));
    }
    match req.send().await {
        Ok(resp) => {
            let end = Instant::now();
            let reads = regs
                .iter()
                .zip(resp.responses())
                .map(|(&r, resp)| {
                    let it = resp.item.as_ref().expect("register present");
                    (r, num(it, "ver") as u64, Some(text(it, "val")))
                })
                .collect();
            Ok(Some(Op {
                label: label.to_string(),
                start,
                end,
                reads,
                writes: Vec::new(),
            }))
        }
        Err(e) => classify_tx_get(e).map(|()| None),
    }
}

/// Transactions: read two or three registers, then write one or two of them (`ver = old`
/// conditions) and ConditionCheck the third at the version read.
async fn history_tx_task(
    c: Client,
    task: usize,
    seed: u64,
    deadline: Instant,
    ops: Arc<Mutex<Vec<Op>>>,
) -> Result<(u64, u64), String> {
    let mut rng = Rng::new(seed);
    let (mut applied, mut refused) = (0, 0);
    let mut seq = 0;
    while Instant::now() < deadline {
        seq += 1;
        let (a, b) = rng.pair(REGISTERS);
        let third = (b + 1 + rng.below(REGISTERS as u64 - 1) as usize) % REGISTERS;
        let mut regs = vec![a, b];
        if third != a {
            regs.push(third);
        }
        let Some(read) = read_registers(&c, &regs, &format!("t{task}.{seq} read")).await? else {
            continue;
        };
        let observed: Vec<(usize, u64)> = read.reads.iter().map(|(r, v, _)| (*r, *v)).collect();
        ops.lock().unwrap().push(read);
        // One or two writes; the rest of what was read is checked with ConditionCheck.
        let write_count = 1 + rng.below(2) as usize;
        let tag = format!("t{task}.{seq}");
        let mut req = c.transact_write_items();
        let mut op = Op {
            label: tag.clone(),
            start: Instant::now(),
            end: Instant::now(),
            reads: Vec::new(),
            writes: Vec::new(),
        };
        for (k, &(r, v)) in observed.iter().enumerate() {
            if k < write_count {
                req = req.transact_items(w_update(
                    tx_update("hist", register(r), "SET ver = :new, val = :tag")
                        .condition_expression("ver = :old")
                        .expression_attribute_values(":old", n(&v.to_string()))
                        .expression_attribute_values(":new", n(&(v + 1).to_string()))
                        .expression_attribute_values(":tag", s(&tag)),
                ));
                op.writes.push((r, v + 1, tag.clone()));
            } else {
                req = req.transact_items(w_check(
                    tx_check("hist", register(r), "ver = :old")
                        .expression_attribute_values(":old", n(&v.to_string())),
                ));
            }
            op.reads.push((r, v, None));
        }
        op.start = Instant::now();
        match req.send().await {
            Ok(_) => {
                op.end = Instant::now();
                ops.lock().unwrap().push(op);
                applied += 1;
            }
            Err(e) => {
                classify_tx_write(e, observed.len())?;
                refused += 1;
            }
        }
    }
    Ok((applied, refused))
}

/// Single-item operations: a consistent GetItem, then a conditional UpdateItem.
async fn history_single_task(
    c: Client,
    task: usize,
    seed: u64,
    deadline: Instant,
    ops: Arc<Mutex<Vec<Op>>>,
) -> Result<(u64, u64), String> {
    let mut rng = Rng::new(seed);
    let (mut applied, mut refused) = (0, 0);
    let mut seq = 0;
    while Instant::now() < deadline {
        seq += 1;
        let r = rng.below(REGISTERS as u64) as usize;
        let start = Instant::now();
        let it = get(&c, "hist", register(r))
            .await
            .expect("register present");
        let v = num(&it, "ver") as u64;
        ops.lock().unwrap().push(Op {
            label: format!("s{task}.{seq} get"),
            start,
            end: Instant::now(),
            reads: vec![(r, v, Some(text(&it, "val")))],
            writes: Vec::new(),
        });
        let tag = format!("s{task}.{seq}");
        let start = Instant::now();
        let res = c
            .update_item()
            .table_name("hist")
            .set_key(Some(register(r)))
            .update_expression("SET ver = :new, val = :tag")
            .condition_expression("ver = :old")
            .expression_attribute_values(":old", n(&v.to_string()))
            .expression_attribute_values(":new", n(&(v + 1).to_string()))
            .expression_attribute_values(":tag", s(&tag))
            .send()
            .await;
        match res {
            Ok(_) => {
                ops.lock().unwrap().push(Op {
                    label: tag.clone(),
                    start,
                    end: Instant::now(),
                    reads: vec![(r, v, None)],
                    writes: vec![(r, v + 1, tag)],
                });
                applied += 1;
            }
            Err(e) => {
                classify_update(e)?;
                refused += 1;
            }
        }
    }
    Ok((applied, refused))
}

async fn history_reader_task(
    c: Client,
    task: usize,
    deadline: Instant,
    ops: Arc<Mutex<Vec<Op>>>,
) -> Result<(u64, u64), String> {
    let all: Vec<usize> = (0..REGISTERS).collect();
    let (mut done, mut cancelled) = (0, 0);
    let mut seq = 0;
    while Instant::now() < deadline {
        seq += 1;
        match read_registers(&c, &all, &format!("r{task}.{seq}")).await? {
            Some(op) => {
                ops.lock().unwrap().push(op);
                done += 1;
            }
            None => cancelled += 1,
        }
    }
    Ok((done, cancelled))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_is_strictly_serializable() {
    let _heavy = HEAVY.lock().await;
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "hist", ScalarAttributeType::S, None).await;
    for r in 0..REGISTERS {
        let mut it = register(r);
        it.insert("ver".into(), n("0"));
        it.insert("val".into(), s(INITIAL_VALUE));
        put(&c, "hist", it).await;
    }
    let ops = Arc::new(Mutex::new(Vec::new()));
    let deadline = Instant::now() + Duration::from_secs(5);
    let seed = random_u64();
    let mut tasks = Vec::new();
    for t in 0..5 {
        let c = server.client().await;
        tasks.push((
            "transactions",
            tokio::spawn(history_tx_task(
                c,
                t,
                seed ^ t as u64,
                deadline,
                ops.clone(),
            )),
        ));
    }
    for t in 0..2 {
        let c = server.client().await;
        tasks.push((
            "single-item",
            tokio::spawn(history_single_task(
                c,
                t,
                seed ^ (50 + t as u64),
                deadline,
                ops.clone(),
            )),
        ));
    }
    for t in 0..2 {
        let c = server.client().await;
        tasks.push((
            "reads",
            tokio::spawn(history_reader_task(c, t, deadline, ops.clone())),
        ));
    }
    let mut summary = BTreeMap::<&str, (u64, u64)>::new();
    for (kind, t) in tasks {
        let (ok, not) = t
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{kind} (seed {seed:#x}): {e}"));
        let entry = summary.entry(kind).or_default();
        entry.0 += ok;
        entry.1 += not;
    }
    // A final read, after everything: it sees every register's last version.
    let final_read = read_registers(&c, &(0..REGISTERS).collect::<Vec<_>>(), "final")
        .await
        .unwrap()
        .expect("nothing else is running");
    let mut ops = Arc::try_unwrap(ops).unwrap().into_inner().unwrap();
    ops.push(final_read.clone());
    eprintln!(
        "history: {} ops; (acknowledged, refused) by kind: {summary:?}",
        ops.len()
    );
    for (kind, (ok, _)) in &summary {
        assert!(*ok > 0, "no {kind} operation was acknowledged");
    }
    let edges = check_history(&ops, REGISTERS).unwrap_or_else(|e| panic!("seed {seed:#x}: {e}"));
    // The final read saw the end of every chain.
    for (r, v, _) in &final_read.reads {
        let last = ops
            .iter()
            .flat_map(|o| o.writes.iter())
            .filter(|w| w.0 == *r)
            .map(|w| w.1)
            .max()
            .unwrap_or(0);
        assert_eq!(*v, last, "register {r}: final version");
    }
    eprintln!("history: serializable, {edges} edges checked");
}

// --- crash: kill -9 during transfers with receipts -------------------------------------------

const CRASH_ACCOUNTS: usize = 10;
const CRASH_ROUNDS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transfer {
    src: usize,
    dst: usize,
    amt: i64,
}

#[derive(Default)]
struct CrashLog {
    /// Every transfer ever sent, by receipt id (applied or not).
    attempted: HashMap<String, Transfer>,
    /// Receipt ids of acknowledged transfers.
    acknowledged: HashSet<String>,
}

/// Each transfer debits `src` (if it can), credits `dst` and puts a receipt, in one
/// transaction; returns (attempted, acknowledged, unexpected answers).
async fn crash_transfer_task(
    c: Client,
    round: usize,
    task: usize,
    stop: Arc<AtomicBool>,
) -> (Vec<(String, Transfer)>, Vec<String>, Vec<String>) {
    let mut rng = Rng::new(random_u64());
    let (mut attempted, mut acknowledged) = (Vec::new(), Vec::new());
    let mut unexpected = Vec::new();
    let mut consecutive_errors = 0;
    let mut seq = 0;
    while !stop.load(Ordering::Relaxed) {
        seq += 1;
        let (src, dst) = rng.pair(CRASH_ACCOUNTS);
        let t = Transfer {
            src,
            dst,
            amt: 1 + rng.below(250) as i64,
        };
        let id = format!("r{round}-t{task}-{seq}");
        attempted.push((id.clone(), t));
        let res = c
            .transact_write_items()
            .transact_items(w_update(
                tx_update("accounts", account(src), "SET bal = bal - :a")
                    .condition_expression("bal >= :a")
                    .expression_attribute_values(":a", n(&t.amt.to_string())),
            ))
            .transact_items(w_update(
                tx_update("accounts", account(dst), "ADD bal :a")
                    .expression_attribute_values(":a", n(&t.amt.to_string())),
            ))
            .transact_items(w_put(
                tx_put(
                    "receipts",
                    item(&[
                        ("pk", s(&id)),
                        ("src", n(&src.to_string())),
                        ("dst", n(&dst.to_string())),
                        ("amt", n(&t.amt.to_string())),
                    ]),
                )
                .condition_expression("attribute_not_exists(pk)"),
            ))
            .send()
            .await;
        match res {
            Ok(_) => {
                consecutive_errors = 0;
                acknowledged.push(id);
            }
            // Conflicts and refusals are the only answers the server may give.
            Err(e @ SdkError::ServiceError(_)) => {
                if let Err(e) = classify_tx_write(e, 3) {
                    unexpected.push(e);
                }
            }
            // No answer: the server was killed, and the outcome is unknown (the receipts
            // settle it).
            Err(_) => {
                consecutive_errors += 1;
                if consecutive_errors > 20 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    (attempted, acknowledged, unexpected)
}

/// Receipts and balances agree exactly: every acknowledged transfer has its receipt, every
/// receipt is a transfer that was sent, and each balance is the initial one plus the receipts'
/// effects (so a receipt is present exactly when its transfer's effect is).
async fn verify_books(c: &Client, log: &CrashLog) -> usize {
    let receipts = scan_all(c, "receipts").await;
    let mut expected = vec![INITIAL; CRASH_ACCOUNTS];
    let mut present = HashSet::new();
    for r in &receipts {
        let id = text(r, "pk");
        let t = Transfer {
            src: num(r, "src") as usize,
            dst: num(r, "dst") as usize,
            amt: num(r, "amt"),
        };
        assert_eq!(
            log.attempted.get(&id),
            Some(&t),
            "receipt {id} is not a transfer that was sent"
        );
        expected[t.src] -= t.amt;
        expected[t.dst] += t.amt;
        present.insert(id);
    }
    let missing: Vec<&String> = log.acknowledged.difference(&present).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged transfers lost their receipt, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    let accounts = scan_all(c, "accounts").await;
    let balances: Vec<i64> = (0..CRASH_ACCOUNTS)
        .map(|i| {
            let it = accounts
                .iter()
                .find(|a| text(a, "pk") == format!("acct{i}"))
                .unwrap_or_else(|| panic!("acct{i} missing"));
            num(it, "bal")
        })
        .collect();
    assert_eq!(
        balances, expected,
        "balances disagree with the receipts present"
    );
    assert_eq!(
        balances.iter().sum::<i64>(),
        INITIAL * CRASH_ACCOUNTS as i64
    );
    assert!(balances.iter().all(|b| *b >= 0), "{balances:?}");
    receipts.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_transactions_survive_kill_9() {
    let _heavy = HEAVY.lock().await;
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut log = CrashLog::default();
    for round in 0..CRASH_ROUNDS {
        let mut server = Server::start_on(&data).await;
        let c = server.client().await;
        if round == 0 {
            create_table(&c, "accounts", ScalarAttributeType::S, None).await;
            create_table(&c, "receipts", ScalarAttributeType::S, None).await;
            c.batch_write_item()
                .request_items(
                    "accounts",
                    (0..CRASH_ACCOUNTS)
                        .map(|i| {
                            let mut it = account(i);
                            it.insert("bal".into(), n(&INITIAL.to_string()));
                            put_req(it)
                        })
                        .collect(),
                )
                .send()
                .await
                .unwrap();
        }
        verify_books(&c, &log).await;

        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for t in 0..8 {
            let c = server.client().await;
            tasks.push(tokio::spawn(crash_transfer_task(c, round, t, stop.clone())));
        }
        let delay = Duration::from_millis(300 + random_u64() % 900);
        tokio::time::sleep(delay).await;
        server.kill9().await;
        stop.store(true, Ordering::Relaxed);
        let mut acked = 0;
        for t in tasks {
            let (attempted, acknowledged, unexpected) = t.await.unwrap();
            assert!(unexpected.is_empty(), "round {round}: {unexpected:?}");
            acked += acknowledged.len();
            log.attempted.extend(attempted);
            log.acknowledged.extend(acknowledged);
        }
        assert!(
            acked > 0,
            "round {round}: nothing acknowledged in {delay:?}"
        );
        eprintln!("round {round}: killed after {delay:?}, {acked} transfers acknowledged");
    }
    let server = Server::start_on(&data).await;
    let c = server.client().await;
    let receipts = verify_books(&c, &log).await;
    eprintln!(
        "{} acknowledged of {} attempted transfers; {receipts} receipts; books balance after {CRASH_ROUNDS} crashes ({:?})",
        log.acknowledged.len(),
        log.attempted.len(),
        started.elapsed()
    );
}

// --- reads and conflicts ---------------------------------------------------------------------

/// TransactGetItems is rejected only when "a conflicting operation is in the process of
/// updating an item to be read" (API reference): transactional reads never cancel each other,
/// and a write is never refused because a transactional read is under way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactional_reads_conflict_only_with_writes() {
    let _heavy = HEAVY.lock().await;
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "shared", ScalarAttributeType::S, None).await;
    const ITEMS: usize = 25;
    let key = |i: usize| key1(&format!("k{i}"));
    for i in 0..ITEMS {
        let mut it = key(i);
        it.insert("n".into(), n("0"));
        put(&c, "shared", it).await;
    }
    let reader = |c: Client, deadline: Instant| async move {
        let (mut ok, mut cancelled) = (0u64, 0u64);
        while Instant::now() < deadline {
            let mut req = c.transact_get_items();
            for i in 0..ITEMS {
                req = req.transact_items(t_get("shared", key(i), None));
            }
            match req.send().await {
                Ok(resp) => {
                    assert_eq!(resp.responses().len(), ITEMS);
                    ok += 1;
                }
                Err(e) => {
                    classify_tx_get(e).unwrap();
                    cancelled += 1;
                }
            }
        }
        (ok, cancelled)
    };

    // Readers only: nothing to conflict with.
    let deadline = Instant::now() + Duration::from_millis(1500);
    let mut readers = Vec::new();
    for _ in 0..4 {
        readers.push(tokio::spawn(reader(server.client().await, deadline)));
    }
    let mut reads = 0;
    for r in readers {
        let (ok, cancelled) = r.await.unwrap();
        assert_eq!(
            cancelled, 0,
            "a TransactGetItems was cancelled by other reads"
        );
        reads += ok;
    }
    assert!(reads > 0);

    // Readers against single-item writes, then against transactional writes: every write
    // succeeds (the reads may be cancelled).
    let mut adds = 0;
    for transactional in [false, true] {
        let deadline = Instant::now() + Duration::from_millis(1000);
        let mut readers = Vec::new();
        for _ in 0..3 {
            readers.push(tokio::spawn(reader(server.client().await, deadline)));
        }
        let c = server.client().await;
        let writer = tokio::spawn(async move {
            let mut rng = Rng::new(random_u64());
            let mut done = 0u64;
            while Instant::now() < deadline {
                let (a, b) = rng.pair(ITEMS);
                let add = |k: usize| {
                    w_update(
                        tx_update("shared", key(k), "ADD n :one")
                            .expression_attribute_values(":one", n("1")),
                    )
                };
                if transactional {
                    c.transact_write_items()
                        .transact_items(add(a))
                        .transact_items(add(b))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("transaction refused during reads: {e:?}"));
                    done += 2;
                } else {
                    c.update_item()
                        .table_name("shared")
                        .set_key(Some(key(a)))
                        .update_expression("ADD n :one")
                        .expression_attribute_values(":one", n("1"))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("UpdateItem refused during reads: {e:?}"));
                    done += 1;
                }
            }
            done
        });
        adds += writer.await.unwrap();
        let mut reads = 0;
        for r in readers {
            reads += r.await.unwrap().0;
        }
        assert!(reads > 0);
    }
    let total: i64 = scan_all(&c, "shared")
        .await
        .iter()
        .map(|i| num(i, "n"))
        .sum();
    assert_eq!(total, adds as i64);
}

/// BatchWriteItem has no TransactionConflictException in its API model (an SDK could not even
/// name it): requests that meet a transaction in progress come back as UnprocessedItems, and
/// the usual retry loop writes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_writes_racing_transactions_come_back_unprocessed() {
    let _heavy = HEAVY.lock().await;
    let server = Server::start_on_disk().await;
    let c = server.client().await;
    create_table(&c, "mix", ScalarAttributeType::S, None).await;
    const ITEMS: usize = 4;
    let key = |i: usize| key1(&format!("k{i}"));
    let deadline = Instant::now() + Duration::from_millis(2500);
    let mut transactions = Vec::new();
    for _ in 0..3 {
        let c = server.client().await;
        transactions.push(tokio::spawn(async move {
            let mut rng = Rng::new(random_u64());
            while Instant::now() < deadline {
                let (a, b) = rng.pair(ITEMS);
                let add = |k: usize| {
                    w_update(
                        tx_update("mix", key(k), "ADD n :one")
                            .expression_attribute_values(":one", n("1")),
                    )
                };
                let res = c
                    .transact_write_items()
                    .transact_items(add(a))
                    .transact_items(add(b))
                    .send()
                    .await;
                if let Err(e) = res {
                    assert_eq!(classify_tx_write(e, 2), Ok(Refusal::Conflict));
                }
            }
        }));
    }
    let (mut batches, mut unprocessed_rounds) = (0u64, 0u64);
    while Instant::now() < deadline {
        batches += 1;
        let mut pending: HashMap<String, Vec<WriteRequest>> = HashMap::from([(
            "mix".to_string(),
            (0..ITEMS)
                .map(|i| {
                    let mut it = key(i);
                    it.insert("batch".into(), n(&batches.to_string()));
                    put_req(it)
                })
                .collect(),
        )]);
        while !pending.is_empty() {
            let resp = c
                .batch_write_item()
                .set_request_items(Some(pending))
                .send()
                .await
                .unwrap_or_else(|e| panic!("BatchWriteItem failed: {e:?}"));
            pending = resp.unprocessed_items.unwrap_or_default();
            pending.retain(|_, v| !v.is_empty());
            if !pending.is_empty() {
                unprocessed_rounds += 1;
                tokio::task::yield_now().await;
            }
        }
    }
    for t in transactions {
        t.await.unwrap();
    }
    eprintln!("{batches} batches, {unprocessed_rounds} answers with unprocessed items");
    for i in 0..ITEMS {
        let it = get(&c, "mix", key(i)).await.unwrap();
        assert_eq!(num(&it, "batch"), batches as i64, "k{i}");
    }
}

/// A key of the wrong shape cancels a transaction with a `ValidationError` reason (DynamoDB's
/// answer, captured 2026-10) instead of refusing it; an empty key value is still refused.
#[tokio::test]
async fn transaction_key_of_the_wrong_shape_cancels() {
    let (_server, c) = setup().await;
    let res = c
        .transact_write_items()
        .transact_items(w_put(tx_put("plain", key1("fine"))))
        .transact_items(w_put(tx_put("plain", item(&[("pk", n("5"))]))))
        .send()
        .await;
    let (message, reasons) = cancelled(res);
    assert_eq!(message, cancelled_message(&["None", "ValidationError"]));
    assert_eq!(codes(&reasons), ["None", "ValidationError"]);
    assert_eq!(
        reasons[1].message(),
        Some(
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
        )
    );
    let res = c
        .transact_write_items()
        .transact_items(w_delete(tx_delete("ranged", key1("r"))))
        .send()
        .await;
    let (_, reasons) = cancelled(res);
    assert_eq!(codes(&reasons), ["ValidationError"]);
    assert_eq!(
        reasons[0].message(),
        Some("The provided key element does not match the schema")
    );
    assert_eq!(get(&c, "plain", key1("fine")).await, None);

    let res = c
        .transact_write_items()
        .transact_items(w_put(tx_put("plain", key1(""))))
        .send()
        .await;
    assert_err(
        res,
        VALIDATION,
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    );

    let res = c
        .transact_get_items()
        .transact_items(t_get("plain", key1("a"), None))
        .transact_items(t_get("ranged", key1("r"), None))
        .send()
        .await;
    match res {
        Err(SdkError::ServiceError(ctx)) => match ctx.into_err() {
            TransactGetItemsError::TransactionCanceledException(e) => {
                assert_eq!(
                    e.message(),
                    Some(cancelled_message(&["None", "ValidationError"]).as_str())
                );
                assert_eq!(codes(e.cancellation_reasons()), ["None", "ValidationError"]);
            }
            other => panic!("expected TransactionCanceledException, got {other:?}"),
        },
        other => panic!("expected TransactionCanceledException, got {other:?}"),
    }
}

/// An attribute named "" is refused wherever an item is written whole.
#[tokio::test]
async fn empty_attribute_name_is_refused() {
    let (_server, c) = setup().await;
    let named = item(&[("pk", s("named")), ("", s("x"))]);
    let res = c
        .put_item()
        .table_name("plain")
        .set_item(Some(named.clone()))
        .send()
        .await;
    assert_err(res, VALIDATION, "Empty attribute name");
    let res = c
        .batch_write_item()
        .request_items("plain", vec![put_req(named.clone())])
        .send()
        .await;
    assert_err(res, VALIDATION, "Empty attribute name");
    let res = c
        .transact_write_items()
        .transact_items(w_put(tx_put("plain", named)))
        .send()
        .await;
    assert_err(res, VALIDATION, "Empty attribute name");
    assert_eq!(get(&c, "plain", key1("named")).await, None);
}
