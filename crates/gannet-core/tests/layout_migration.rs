//! A data directory whose item keys are in the layout before compact table tags (`0x01` +
//! 8-byte table id) opens with every item where it was: GetItem, Query and Scan answer as
//! before, and the legacy keys are gone, also after another restart.

use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;

use gannet_core::{Database, DatabaseConfig};
use gannet_model::api::{QueryOutput, ScanOutput};
use gannet_storage::fjall_engine::FjallEngine;
use gannet_storage::{Direction, Durability, Engine, KeyRange, WriteBatch};
use serde_json::json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn open(path: &Path) -> (Arc<FjallEngine>, Arc<Database>) {
    let engine = Arc::new(FjallEngine::open(path, Durability::Sync).expect("open engine"));
    let database = Database::open(engine.clone(), DatabaseConfig::default()).expect("open");
    (engine, database)
}

fn input<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("input")
}

/// Everything a client can read back from the two tables.
#[derive(Debug, PartialEq)]
struct Answers {
    events: ScanOutput,
    plain: ScanOutput,
    one_partition: QueryOutput,
    one_item: Option<gannet_model::Item>,
}

fn answers(database: &Database) -> Answers {
    let scan = |table: &str| {
        database
            .scan(input(json!({"TableName": table, "Limit": 100_000})))
            .expect("scan")
    };
    Answers {
        events: scan("events"),
        plain: scan("plain"),
        one_partition: database
            .query(input(json!({
                "TableName": "events",
                "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                "ExpressionAttributeValues": {":p": {"S": "p7"}, ":a": {"N": "100"}, ":b": {"N": "2000"}},
            })))
            .expect("query"),
        one_item: database
            .get_item(input(json!({"TableName": "plain", "Key": {"pk": {"S": "k3"}}})))
            .expect("get")
            .item,
    }
}

fn keys_with_prefix(engine: &dyn Engine, prefix: &[u8]) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    engine
        .visit(
            &KeyRange::prefix(prefix),
            Direction::Forward,
            &mut |key, _| {
                keys.push(key.to_vec());
                ControlFlow::Continue(())
            },
        )
        .expect("visit");
    keys
}

/// Rewrites the item keys `pick` chooses (by position) into the legacy layout, as an older
/// Gannet, or a migration cut off part-way, left them.
fn downgrade_item_keys(
    runtime: &tokio::runtime::Runtime,
    engine: &dyn Engine,
    pick: impl Fn(usize) -> bool,
) {
    let mut batch = WriteBatch::new();
    let mut position = 0;
    engine
        .visit(&KeyRange::all(), Direction::Forward, &mut |key, value| {
            if let Some(&tag @ 0x10..=0xEF) = key.first() {
                position += 1;
                if !pick(position) {
                    return ControlFlow::Continue(());
                }
                let mut legacy = vec![0x01];
                legacy.extend_from_slice(&u64::from(tag - 0x10).to_be_bytes());
                legacy.extend_from_slice(&key[1..]);
                batch.put(legacy, value.to_vec());
                batch.delete(key.to_vec());
            }
            ControlFlow::Continue(())
        })
        .expect("visit");
    // Not a key any Gannet wrote: it must survive untouched rather than be dropped.
    batch.put(vec![0x01, 0xAA], b"stray".to_vec());
    runtime.block_on(engine.commit(batch)).expect("downgrade");
}

/// Two tables, 10,010 items; what a client reads back from them.
fn populate(dir: &Path, runtime: &tokio::runtime::Runtime) -> Answers {
    let before = {
        let (_engine, database) = open(dir);
        for (table, key_schema, attributes) in [
            (
                "events",
                json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]),
                json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}]),
            ),
            (
                "plain",
                json!([{"AttributeName": "pk", "KeyType": "HASH"}]),
                json!([{"AttributeName": "pk", "AttributeType": "S"}]),
            ),
        ] {
            runtime
                .block_on(database.create_table(input(json!({
                    "TableName": table,
                    "KeySchema": key_schema,
                    "AttributeDefinitions": attributes,
                    "BillingMode": "PAY_PER_REQUEST",
                }))))
                .expect("create");
        }
        // More items than one migration chunk, so the move spans several commits.
        for start in (0..10_000).step_by(25) {
            let puts: Vec<_> = (start..start + 25)
                .map(|i| json!({"PutRequest": {"Item": {
                    "pk": {"S": format!("p{}", i % 50)}, "sk": {"N": i.to_string()}, "v": {"S": "x"}}}}))
                .collect();
            runtime
                .block_on(
                    database.batch_write_item(input(json!({"RequestItems": {"events": puts}}))),
                )
                .expect("batch");
        }
        for i in 0..10 {
            runtime
                .block_on(database.put_item(input(json!({
                    "TableName": "plain", "Item": {"pk": {"S": format!("k{i}")}, "n": {"N": i.to_string()}},
                }))))
                .expect("put");
        }
        answers(&database)
    };
    assert_eq!(before.events.count, 10_000);
    assert_eq!(before.one_partition.count, 38);
    assert!(before.one_item.is_some());
    before
}

/// A populated store with the item keys `pick` chooses put back into the legacy layout; the
/// store, the answers from before, and the runtime.
fn legacy_store(
    pick: impl Fn(usize) -> bool,
    legacy_keys: usize,
) -> (tempfile::TempDir, Answers, tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = runtime();
    let before = populate(dir.path(), &runtime);
    let engine = Arc::new(FjallEngine::open(dir.path(), Durability::Sync).expect("reopen"));
    downgrade_item_keys(&runtime, engine.as_ref(), pick);
    assert_eq!(
        keys_with_prefix(engine.as_ref(), &[0x01]).len(),
        legacy_keys
    );
    (dir, before, runtime)
}

#[test]
fn legacy_item_keys_are_moved_at_startup() {
    let (dir, before, _runtime) = legacy_store(|_| true, 10_011);
    for restart in 0..2 {
        let (engine, database) = open(dir.path());
        assert_eq!(answers(&database), before, "restart {restart}");
        assert_eq!(
            keys_with_prefix(engine.as_ref(), &[0x01]),
            vec![vec![0x01, 0xAA]],
            "only the stray key is left in the legacy namespace"
        );
    }
}

/// A store where part of the items were already moved (a migration stopped between two chunks)
/// finishes on the next start with nothing lost or doubled.
#[test]
fn a_partly_moved_store_is_finished_on_the_next_start() {
    let (dir, before, _runtime) = legacy_store(|position| position % 3 != 0, 6_675);
    let (engine, database) = open(dir.path());
    assert_eq!(answers(&database), before);
    assert_eq!(keys_with_prefix(engine.as_ref(), &[0x01]).len(), 1);
}
