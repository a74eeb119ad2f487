//! The plain BatchWriteItem path against the general one: for generated requests over two
//! tables, whenever the plain path takes a request it answers and writes exactly what the
//! general path does with the same request, and whenever it declines it has written nothing.

use std::sync::Arc;

use gannet_core::{Database, DatabaseConfig};
use gannet_model::api::{BatchWriteItemInput, CreateTableInput, ScanInput};
use gannet_model::plain_batch::PlainBatchWrite;
use gannet_model::value::json_error;
use gannet_model::{Error, Item};
use gannet_storage::memory::MemoryEngine;
use proptest::prelude::*;
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// `strings`: a table keyed by an S `pk`; `numbers`: by an N `pk` and an S `sk`.
fn database(runtime: &tokio::runtime::Runtime) -> Arc<Database> {
    let database = Database::open(Arc::new(MemoryEngine::new()), DatabaseConfig::default())
        .expect("open database");
    let tables = [
        json!({
            "TableName": "strings",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        }),
        json!({
            "TableName": "numbers",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "N"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }),
    ];
    for table in tables {
        let input: CreateTableInput = serde_json::from_value(table).expect("create table input");
        runtime
            .block_on(database.create_table(input))
            .expect("create table");
    }
    database
}

/// Items for the deletes to find, the same in both databases.
fn prefill(runtime: &tokio::runtime::Runtime, database: &Database) {
    let strings: Vec<Value> = (0..20)
        .map(|n| json!({"PutRequest": {"Item": {"pk": {"S": format!("k{n}")}, "old": {"S": "x"}}}}))
        .collect();
    let numbers: Vec<Value> = (-10..10)
        .map(|n| json!({"PutRequest": {"Item": {"pk": {"N": n.to_string()}, "sk": {"S": format!("k{}", n + 10)}}}}))
        .collect();
    for (table, requests) in [("strings", strings), ("numbers", numbers)] {
        let body = json!({"RequestItems": {table: requests}}).to_string();
        general_answer(runtime, database, &body).expect("prefill");
    }
}

fn contents(database: &Database) -> Vec<Vec<Item>> {
    ["strings", "numbers"]
        .iter()
        .map(|table| {
            database
                .scan(ScanInput {
                    table_name: Some((*table).to_owned()),
                    ..Default::default()
                })
                .expect("scan")
                .items
                .unwrap_or_default()
        })
        .collect()
}

/// The plain path's answer: `None` if it declined.
fn plain_answer(
    runtime: &tokio::runtime::Runtime,
    database: &Database,
    body: &str,
) -> Option<Result<Value, Error>> {
    let plain = PlainBatchWrite::parse(body)?;
    let answer = runtime.block_on(database.batch_write_plain(&plain))?;
    Some(answer.map(|output| serde_json::to_value(output).expect("output json")))
}

fn general_answer(
    runtime: &tokio::runtime::Runtime,
    database: &Database,
    body: &str,
) -> Result<Value, Error> {
    let input: BatchWriteItemInput = serde_json::from_str(body).map_err(json_error)?;
    runtime
        .block_on(database.batch_write_item(input))
        .map(|output| serde_json::to_value(output).expect("output json"))
}

/// Mostly S, N, BOOL and NULL values, now and then a value the plain path leaves to the
/// general one.
fn attribute_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        30 => prop_oneof![Just(""), Just("a"), Just("zé")].prop_map(|s| json!({"S": s})),
        30 => prop_oneof![Just("1"), Just("-2.50"), Just("0"), Just("7e3")]
            .prop_map(|n| json!({"N": n})),
        1 => Just(json!({"S": "a\u{0}b"})),
        1 => Just(json!({"N": "1x"})),
        1 => Just(json!({"B": "YQ=="})),
        10 => any::<bool>().prop_map(|b| json!({"BOOL": b})),
        5 => Just(json!({"NULL": true})),
        1 => Just(json!({"NULL": false})),
        1 => Just(json!({"BOOL": "true"})),
        1 => Just(json!({"SS": ["a"]})),
    ]
}

/// A key value of `ty`, now and then of another type or empty.
fn key_value(ty: &'static str) -> impl Strategy<Value = Value> {
    // Few enough values that two items of a batch share a key now and then.
    let right = match ty {
        "S" => (
            0u32..60,
            prop_oneof![20 => Just(""), 10 => Just("é"), 1 => Just("\u{0}")],
        )
            .prop_map(|(n, tail)| json!({"S": format!("k{n}{tail}")}))
            .boxed(),
        _ => (
            -30i32..30,
            prop_oneof![Just(""), Just(".50"), Just("e2"), Just("00")],
        )
            .prop_map(|(n, tail)| json!({"N": format!("{n}{tail}")}))
            .boxed(),
    };
    prop_oneof![40 => right, 1 => attribute_value()]
}

/// An item for `table`: its key attributes (now and then one missing or wrong) and others.
/// An item for `table`, or with `deleting` a key: its key attributes (now and then one missing
/// or wrong) and, for a key only now and then, others.
fn item(table: &'static str, deleting: bool) -> impl Strategy<Value = Value> {
    let keys: Vec<(&'static str, &'static str)> = match table {
        "numbers" => vec![("pk", "N"), ("sk", "S")],
        _ => vec![("pk", "S")],
    };
    let key = keys
        .into_iter()
        .map(|(name, ty)| {
            proptest::option::weighted(0.99, key_value(ty)).prop_map(move |v| (name, v))
        })
        .collect::<Vec<_>>();
    let other_count = if deleting {
        prop_oneof![12 => Just(0usize), 1 => Just(1)].boxed()
    } else {
        (0usize..3).boxed()
    };
    let others = other_count.prop_flat_map(|count| {
        proptest::collection::vec(
            (
                prop_oneof![20 => Just("v"), 20 => Just("w"), 1 => Just("")],
                attribute_value(),
            ),
            count,
        )
    });
    (key, others).prop_map(|(key, others)| {
        let mut item = serde_json::Map::new();
        for (name, value) in key {
            if let Some(value) = value {
                item.insert(name.to_owned(), value);
            }
        }
        for (name, value) in others {
            item.insert(name.to_owned(), value);
        }
        Value::Object(item)
    })
}

fn table_writes() -> impl Strategy<Value = String> {
    prop_oneof![8 => Just("strings"), 8 => Just("numbers"), 1 => Just("missing"), 1 => Just("x")]
        .prop_flat_map(|table| {
            let count = prop_oneof![1 => Just(0usize), 20 => 1usize..10];
            count
                .prop_flat_map(move |count| {
                    let write = prop_oneof![
                        3 => item(table, false).prop_map(|item| json!({"PutRequest": {"Item": item}})),
                        1 => item(table, true).prop_map(|key| json!({"DeleteRequest": {"Key": key}})),
                    ];
                    proptest::collection::vec(write, count)
                })
                .prop_map(move |requests| {
                    format!("{}: {}", json!(table), Value::Array(requests))
                })
        })
}

/// ReturnConsumedCapacity and ReturnItemCollectionMetrics members, now and then invalid.
fn report_members() -> impl Strategy<Value = Vec<String>> {
    let capacity = prop_oneof![Just("NONE"), Just("TOTAL"), Just("INDEXES"), Just("total")];
    let metrics = prop_oneof![Just("SIZE"), Just("NONE"), Just("bad")];
    (
        proptest::option::weighted(0.4, capacity),
        proptest::option::weighted(0.3, metrics),
    )
        .prop_map(|(capacity, metrics)| {
            let capacity = capacity.map(|v| format!("\"ReturnConsumedCapacity\": \"{v}\""));
            let metrics = metrics.map(|v| format!("\"ReturnItemCollectionMetrics\": \"{v}\""));
            capacity.into_iter().chain(metrics).collect()
        })
}

fn request() -> impl Strategy<Value = String> {
    let count = prop_oneof![1 => Just(0usize), 30 => Just(1usize), 10 => Just(2), 3 => Just(3)];
    let tables = count.prop_flat_map(|count| proptest::collection::vec(table_writes(), count));
    (tables, report_members(), any::<bool>()).prop_map(|(tables, mut members, first)| {
        // Written by hand so a table can be named twice, as a client may send it.
        let items = format!("\"RequestItems\": {{{}}}", tables.join(", "));
        if first {
            members.insert(0, items);
        } else {
            members.push(items);
        }
        format!("{{{}}}", members.join(", "))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_plain_path_writes_what_the_general_path_writes(body in request()) {
        let runtime = runtime();
        let (plain, general) = (database(&runtime), database(&runtime));
        prefill(&runtime, &plain);
        prefill(&runtime, &general);
        let before = contents(&plain);
        let general_answer = general_answer(&runtime, &general, &body);
        match plain_answer(&runtime, &plain, &body) {
            Some(answer) => {
                let answer = answer.expect("the plain path failed a write");
                prop_assert_eq!(Some(answer), general_answer.ok(), "answers differ for {}", body);
                prop_assert_eq!(contents(&plain), contents(&general), "writes differ for {}", body);
            }
            None => prop_assert_eq!(
                contents(&plain), before, "declined after writing for {}", body
            ),
        }
    }
}

#[test]
fn the_plain_path_takes_plain_requests() {
    let runtime = runtime();
    let database = database(&runtime);
    let body = r#"{"RequestItems": {
        "strings": [{"PutRequest": {"Item": {"pk": {"S": "a"}, "v": {"N": "1.50"}}}},
                    {"PutRequest": {"Item": {"pk": {"S": "b"}}}}],
        "numbers": [{"PutRequest": {"Item": {"pk": {"N": "7"}, "sk": {"S": "x"}, "v": {"S": ""}}}}]
    }}"#;
    let answer = plain_answer(&runtime, &database, body).expect("the plain path declined");
    assert_eq!(
        answer.expect("batch write"),
        json!({"UnprocessedItems": {}})
    );
    let written: Vec<usize> = contents(&database).iter().map(Vec::len).collect();
    assert_eq!(written, [2, 1]);
}
