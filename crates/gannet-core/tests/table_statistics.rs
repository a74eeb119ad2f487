//! DescribeTable's ItemCount: exact for small tables; for a table of 100,000+ items, reused for
//! a minute of the (injected) clock, then counted again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use gannet_core::{Clock, Database, DatabaseConfig};
use gannet_model::api::{BatchWriteItemInput, CreateTableInput, DescribeTableOutput};
use gannet_storage::memory::MemoryEngine;

#[derive(Default)]
struct ManualClock(AtomicU64);

impl Clock for ManualClock {
    fn now_millis(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

fn batch_of(keys: std::ops::Range<u64>) -> BatchWriteItemInput {
    let requests: Vec<_> = keys
        .map(|k| serde_json::json!({"PutRequest": {"Item": {"pk": {"S": format!("k{k}")}}}}))
        .collect();
    serde_json::from_value(serde_json::json!({"RequestItems": {"things": requests}}))
        .expect("batch input")
}

fn item_count(runtime: &tokio::runtime::Runtime, database: &Database) -> i64 {
    let input =
        serde_json::from_value(serde_json::json!({"TableName": "things"})).expect("describe input");
    let DescribeTableOutput { table } = runtime
        .block_on(database.describe_table(input))
        .expect("describe");
    table.item_count
}

#[test]
fn item_count_is_exact_for_small_tables_and_cached_for_a_minute_for_large_ones() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let clock = Arc::new(ManualClock(AtomicU64::new(1_000_000)));
    let database = Database::open_with_clock(
        Arc::new(MemoryEngine::new()),
        DatabaseConfig::default(),
        clock.clone(),
    )
    .expect("open");
    let create: CreateTableInput = serde_json::from_value(serde_json::json!({
        "TableName": "things",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    }))
    .expect("create input");
    runtime
        .block_on(database.create_table(create))
        .expect("create");

    let mut written = 0;
    let mut write = |n: u64| {
        for start in (written..written + n).step_by(25) {
            let end = (start + 25).min(written + n);
            let out = runtime
                .block_on(database.batch_write_item(batch_of(start..end)))
                .expect("batch write");
            assert!(out.unprocessed_items.is_empty());
        }
        written += n;
    };
    write(3);
    assert_eq!(item_count(&runtime, &database), 3);
    write(2);
    assert_eq!(
        item_count(&runtime, &database),
        5,
        "a small table is counted afresh"
    );

    write(99_995);
    assert_eq!(item_count(&runtime, &database), 100_000);
    write(1);
    assert_eq!(
        item_count(&runtime, &database),
        100_000,
        "reused within the minute"
    );
    clock.0.fetch_add(60_000, Ordering::SeqCst);
    assert_eq!(
        item_count(&runtime, &database),
        100_001,
        "counted again after it"
    );
}
