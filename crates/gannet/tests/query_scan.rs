//! End-to-end: Query and Scan through aws-sdk-dynamodb and its paginators: sort orders both
//! ways, every key-condition operator, Limit with and without filters, Select COUNT, 1 MB
//! pages, a 10,000-item table through pages and 1, 4 and 7 parallel segments, and AWS's
//! validation messages.

mod common;

use std::collections::{BTreeSet, HashMap};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeValue, ComparisonOperator, Condition, PutRequest, ScalarAttributeType, Select,
    WriteRequest,
};
use common::*;

type Item = HashMap<String, AttributeValue>;
/// A key condition, its numeric placeholder values, and the sort keys it selects.
type ExpressionCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [i64],
);
/// A legacy sort-key operator, its operands, and the sort keys it selects.
type LegacyCase = (ComparisonOperator, &'static [&'static str], &'static [i64]);

async fn put_all(c: &Client, table: &str, items: Vec<Item>) {
    for chunk in items.chunks(25) {
        let requests = chunk
            .iter()
            .map(|item| {
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item.clone()))
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
            .collect();
        let out = c
            .batch_write_item()
            .request_items(table, requests)
            .send()
            .await
            .unwrap();
        assert!(out.unprocessed_items().is_none_or(|u| u.is_empty()));
    }
}

fn values(pairs: &[(&str, AttributeValue)]) -> Item {
    item(pairs)
}

/// The sort-key values of items, as the server returned them.
fn sort_keys(items: &[Item]) -> Vec<AttributeValue> {
    items.iter().map(|i| i["sk"].clone()).collect()
}

fn numbers(items: &[Item]) -> Vec<i64> {
    items
        .iter()
        .map(|i| i["sk"].as_n().unwrap().parse().unwrap())
        .collect()
}

/// A table `pk` S / `sk` N: partition "p" holds sk 1..=10 with v = sk % 3, "q" holds 1..=3.
async fn numbers_table(c: &Client) -> String {
    let name = unique_name("numbers");
    create_table(
        c,
        &name,
        ScalarAttributeType::S,
        Some(ScalarAttributeType::N),
    )
    .await;
    let mut items: Vec<Item> = (1..=10)
        .map(|i| {
            item(&[
                ("pk", s("p")),
                ("sk", n(&i.to_string())),
                ("v", n(&(i % 3).to_string())),
            ])
        })
        .collect();
    items.extend((1..=3).map(|i| item(&[("pk", s("q")), ("sk", n(&i.to_string()))])));
    put_all(c, &name, items).await;
    name
}

#[tokio::test]
async fn sort_keys_in_dynamodb_order_forward_and_reverse() {
    let server = Server::start().await;
    let c = server.client().await;
    let cases: Vec<(
        ScalarAttributeType,
        Vec<AttributeValue>,
        Vec<AttributeValue>,
    )> = vec![
        (
            ScalarAttributeType::N,
            ["10", "-1.5", "0", "2", "-10", "0.25", "-0.001"]
                .map(n)
                .to_vec(),
            ["-10", "-1.5", "-0.001", "0", "0.25", "2", "10"]
                .map(n)
                .to_vec(),
        ),
        (
            ScalarAttributeType::S,
            ["b", "a", "ab", "B", "é", "Z"].map(s).to_vec(),
            ["B", "Z", "a", "ab", "b", "é"].map(s).to_vec(),
        ),
        (
            ScalarAttributeType::B,
            vec![b(&[1]), b(&[0]), b(&[0, 1]), b(&[0xFF]), b(&[0x7F])],
            vec![b(&[0]), b(&[0, 1]), b(&[1]), b(&[0x7F]), b(&[0xFF])],
        ),
    ];
    for (ty, stored, expected) in cases {
        let name = unique_name("order");
        create_table(&c, &name, ScalarAttributeType::S, Some(ty.clone())).await;
        put_all(
            &c,
            &name,
            stored
                .iter()
                .map(|v| item(&[("pk", s("k")), ("sk", v.clone())]))
                .collect(),
        )
        .await;
        let query = || {
            c.query()
                .table_name(&name)
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", s("k"))
        };
        let forward = query().send().await.unwrap();
        assert_eq!(sort_keys(forward.items()), expected, "{ty:?} forward");
        let pages: Vec<_> = query()
            .scan_index_forward(false)
            .limit(2)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .unwrap();
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(sort_keys(&pages), reversed, "{ty:?} reverse, paged");
    }
}

#[tokio::test]
async fn every_key_condition_operator() {
    let server = Server::start().await;
    let c = server.client().await;
    let name = numbers_table(&c).await;
    let cases: &[ExpressionCase] = &[
        ("pk = :p", &[], &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ("pk = :p AND sk = :a", &[(":a", "4")], &[4]),
        ("pk = :p AND sk < :a", &[(":a", "4")], &[1, 2, 3]),
        ("pk = :p AND sk <= :a", &[(":a", "4")], &[1, 2, 3, 4]),
        ("pk = :p AND sk > :a", &[(":a", "7")], &[8, 9, 10]),
        ("pk = :p AND sk >= :a", &[(":a", "7")], &[7, 8, 9, 10]),
        (
            "pk = :p AND sk BETWEEN :a AND :b",
            &[(":a", "3"), (":b", "6")],
            &[3, 4, 5, 6],
        ),
        (":a < sk AND pk = :p", &[(":a", "8")], &[9, 10]),
    ];
    for (condition, numbers_bound, expected) in cases {
        let mut request = c
            .query()
            .table_name(&name)
            .key_condition_expression(*condition)
            .expression_attribute_values(":p", s("p"));
        for (placeholder, value) in *numbers_bound {
            request = request.expression_attribute_values(*placeholder, n(value));
        }
        let out = request.send().await.unwrap();
        assert_eq!(numbers(out.items()), *expected, "{condition}");
        assert_eq!(out.count(), expected.len() as i32);
    }

    let legacy: &[LegacyCase] = &[
        (ComparisonOperator::Eq, &["4"], &[4]),
        (ComparisonOperator::Lt, &["3"], &[1, 2]),
        (ComparisonOperator::Le, &["3"], &[1, 2, 3]),
        (ComparisonOperator::Gt, &["8"], &[9, 10]),
        (ComparisonOperator::Ge, &["8"], &[8, 9, 10]),
        (ComparisonOperator::Between, &["2", "4"], &[2, 3, 4]),
    ];
    for (operator, operands, expected) in legacy {
        let out = c
            .query()
            .table_name(&name)
            .key_conditions(
                "pk",
                Condition::builder()
                    .comparison_operator(ComparisonOperator::Eq)
                    .attribute_value_list(s("p"))
                    .build()
                    .unwrap(),
            )
            .key_conditions(
                "sk",
                Condition::builder()
                    .comparison_operator(operator.clone())
                    .set_attribute_value_list(Some(operands.iter().map(|v| n(v)).collect()))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(numbers(out.items()), *expected, "{operator:?}");
    }

    let strings = unique_name("strings");
    create_table(
        &c,
        &strings,
        ScalarAttributeType::S,
        Some(ScalarAttributeType::S),
    )
    .await;
    put_all(
        &c,
        &strings,
        ["ap", "app", "apple", "apricot", "aq", "a", "b"]
            .iter()
            .map(|v| item(&[("pk", s("k")), ("sk", s(v))]))
            .collect(),
    )
    .await;
    let out = c
        .query()
        .table_name(&strings)
        .key_condition_expression("pk = :p AND begins_with(sk, :s)")
        .expression_attribute_values(":p", s("k"))
        .expression_attribute_values(":s", s("ap"))
        .scan_index_forward(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sort_keys(out.items()),
        ["apricot", "apple", "app", "ap"].map(s).to_vec()
    );
}

#[tokio::test]
async fn limit_with_and_without_filters_and_select_count() {
    let server = Server::start().await;
    let c = server.client().await;
    let name = numbers_table(&c).await;
    let query = || {
        c.query()
            .table_name(&name)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("p"))
    };
    let page = query().limit(4).send().await.unwrap();
    assert_eq!((page.count(), page.scanned_count()), (4, 4));
    assert_eq!(
        page.last_evaluated_key().unwrap(),
        &values(&[("pk", s("p")), ("sk", n("4"))])
    );

    let filtered = query()
        .filter_expression("v = :zero")
        .expression_attribute_values(":zero", n("0"))
        .limit(4)
        .send()
        .await
        .unwrap();
    assert_eq!((filtered.count(), filtered.scanned_count()), (1, 4));
    assert_eq!(numbers(filtered.items()), vec![3]);
    let pages: Vec<_> = query()
        .filter_expression("v = :zero")
        .expression_attribute_values(":zero", n("0"))
        .limit(4)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let found: Vec<i64> = pages.iter().flat_map(|p| numbers(p.items())).collect();
    assert_eq!(found, vec![3, 6, 9]);
    assert_eq!(pages.iter().map(|p| p.scanned_count()).sum::<i32>(), 10);

    let count = query().select(Select::Count).send().await.unwrap();
    assert!(count.items().is_empty());
    assert_eq!((count.count(), count.scanned_count()), (10, 10));

    let scan_count = c
        .scan()
        .table_name(&name)
        .select(Select::Count)
        .filter_expression("attribute_exists(v)")
        .send()
        .await
        .unwrap();
    assert_eq!((scan_count.count(), scan_count.scanned_count()), (10, 13));
}

#[tokio::test]
async fn pages_end_after_the_item_that_crosses_one_megabyte() {
    let server = Server::start().await;
    let c = server.client().await;
    let name = unique_name("big");
    create_table(
        &c,
        &name,
        ScalarAttributeType::S,
        Some(ScalarAttributeType::N),
    )
    .await;
    let pad = "x".repeat(100_000);
    for i in 0..25 {
        c.put_item()
            .table_name(&name)
            .set_item(Some(item(&[
                ("pk", s("big")),
                ("sk", n(&i.to_string())),
                ("pad", s(&pad)),
            ])))
            .send()
            .await
            .unwrap();
    }
    let pages: Vec<_> = c
        .query()
        .table_name(&name)
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s("big"))
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let scanned: Vec<i32> = pages.iter().map(|p| p.scanned_count()).collect();
    assert_eq!(scanned, vec![11, 11, 3]);
    assert_eq!(
        pages[0].last_evaluated_key().unwrap()["sk"],
        n("10"),
        "the item that crossed 1 MB ends the page"
    );
    let counted: Vec<_> = c
        .scan()
        .table_name(&name)
        .select(Select::Count)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let counts: Vec<i32> = counted.iter().map(|p| p.count()).collect();
    assert_eq!(counts, vec![11, 11, 3]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_items_through_pages_and_parallel_segments() {
    let server = Server::start().await;
    let c = server.client().await;
    let name = unique_name("ten_thousand");
    create_table(
        &c,
        &name,
        ScalarAttributeType::S,
        Some(ScalarAttributeType::N),
    )
    .await;
    let keys: BTreeSet<(String, i64)> = (0..10_000)
        .map(|i| (format!("user{}", i % 2500), i64::from(i / 2500)))
        .collect();
    let items: Vec<Item> = keys
        .iter()
        .map(|(pk, sk)| {
            item(&[
                ("pk", s(pk)),
                ("sk", n(&sk.to_string())),
                ("data", s(&"d".repeat(40))),
            ])
        })
        .collect();
    let mut writers = Vec::new();
    for chunk in items.chunks(1250) {
        let (c, name, chunk) = (c.clone(), name.clone(), chunk.to_vec());
        writers.push(tokio::spawn(async move { put_all(&c, &name, chunk).await }));
    }
    for writer in writers {
        writer.await.unwrap();
    }

    let key_of = |item: &Item| {
        (
            item["pk"].as_s().unwrap().clone(),
            item["sk"].as_n().unwrap().parse::<i64>().unwrap(),
        )
    };
    let all: Vec<Item> = c
        .scan()
        .table_name(&name)
        .limit(800)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .unwrap();
    let in_order: Vec<(String, i64)> = all.iter().map(key_of).collect();
    assert_eq!(in_order.len(), 10_000);
    assert_eq!(in_order.iter().cloned().collect::<BTreeSet<_>>(), keys);

    for total in [1, 4, 7] {
        let mut segments = Vec::new();
        for segment in 0..total {
            let (c, name) = (c.clone(), name.clone());
            segments.push(tokio::spawn(async move {
                c.scan()
                    .table_name(&name)
                    .segment(segment)
                    .total_segments(total)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .unwrap()
            }));
        }
        let mut together = Vec::new();
        for segment in segments {
            let items: Vec<Item> = segment.await.unwrap();
            assert!(!items.is_empty(), "segment of {total} is empty");
            together.extend(items.iter().map(key_of));
        }
        assert_eq!(together.len(), 10_000, "{total} segments");
        assert_eq!(together, in_order, "{total} segments tile the scan order");
    }
}

#[tokio::test]
async fn validation_errors() {
    let server = Server::start().await;
    let c = server.client().await;
    let name = numbers_table(&c).await;
    let query = |condition: &str| {
        c.query()
            .table_name(&name)
            .key_condition_expression(condition)
            .expression_attribute_values(":s", s("p"))
            .expression_attribute_values(":n", n("1"))
    };
    assert_err(
        query("sk = :n")
            .filter_expression("extra = :s")
            .send()
            .await,
        VALIDATION,
        "Query condition missed key schema element: pk",
    );
    assert_err(
        query("pk = :s AND extra = :n").send().await,
        VALIDATION,
        "Query condition missed key schema element: sk",
    );
    assert_err(
        query("pk > :s AND sk = :n").send().await,
        VALIDATION,
        "Query key condition not supported",
    );
    assert_err(
        query("pk = :s AND sk = :n AND extra = :n").send().await,
        VALIDATION,
        "Conditions can be of length 1 or 2 only",
    );
    assert_err(
        c.query()
            .table_name(&name)
            .key_condition_expression("pk = :s")
            .expression_attribute_values(":s", s("p"))
            .exclusive_start_key("pk", s("p"))
            .send()
            .await,
        VALIDATION,
        "The provided starting key is invalid",
    );
    assert_err(
        c.scan()
            .table_name(&name)
            .exclusive_start_key("pk", n("1"))
            .exclusive_start_key("sk", n("1"))
            .send()
            .await,
        VALIDATION,
        "The provided starting key is invalid: The provided key element does not match the schema",
    );
    assert_err(
        c.scan()
            .table_name(&name)
            .segment(3)
            .total_segments(3)
            .send()
            .await,
        VALIDATION,
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3",
    );
    assert_err(
        c.scan().table_name(&name).segment(0).send().await,
        VALIDATION,
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
    );
    assert_err(
        c.scan()
            .table_name(&name)
            .segment(0)
            .total_segments(1_000_001)
            .send()
            .await,
        VALIDATION,
        "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000",
    );
    assert_err(
        c.scan()
            .table_name(&name)
            .index_name("byValue")
            .send()
            .await,
        VALIDATION,
        "The table does not have the specified index: byValue",
    );
    assert_err(
        c.scan()
            .table_name(&name)
            .select(Select::Count)
            .projection_expression("v")
            .send()
            .await,
        VALIDATION,
        "Cannot specify the ProjectionExpression when choosing to get only the Count",
    );
}
