//! Query and Scan against a simple in-memory reference: for generated tables, key conditions,
//! filters and limits, collecting every page gives exactly the reference's answer, in
//! DynamoDB's order; parallel scan segments partition the table.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use gannet_core::{Database, DatabaseConfig};
use gannet_model::api::{
    Condition as LegacyCondition, CreateTableInput, PutItemInput, QueryInput, QueryOutput,
    ScanInput,
};
use gannet_model::keycodec::{encode_key_value, partition_hash};
use gannet_model::{AttributeValue, Error, Item, Number};
use gannet_storage::memory::MemoryEngine;
use proptest::prelude::*;

// --- building tables ----------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyType {
    S,
    N,
    B,
}

impl KeyType {
    fn name(self) -> &'static str {
        match self {
            KeyType::S => "S",
            KeyType::N => "N",
            KeyType::B => "B",
        }
    }
}

fn number(text: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(text).expect("test number"))
}

fn string(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn create_table(
    runtime: &tokio::runtime::Runtime,
    hash: KeyType,
    sort: Option<KeyType>,
) -> Arc<Database> {
    let database = Database::open(Arc::new(MemoryEngine::new()), DatabaseConfig::default())
        .expect("open database");
    let mut definitions =
        vec![serde_json::json!({"AttributeName": "pk", "AttributeType": hash.name()})];
    let mut schema = vec![serde_json::json!({"AttributeName": "pk", "KeyType": "HASH"})];
    if let Some(sort) = sort {
        definitions.push(serde_json::json!({"AttributeName": "sk", "AttributeType": sort.name()}));
        schema.push(serde_json::json!({"AttributeName": "sk", "KeyType": "RANGE"}));
    }
    let input: CreateTableInput = serde_json::from_value(serde_json::json!({
        "TableName": "things",
        "AttributeDefinitions": definitions,
        "KeySchema": schema,
        "BillingMode": "PAY_PER_REQUEST",
    }))
    .expect("create table input");
    runtime
        .block_on(database.create_table(input))
        .expect("create table");
    database
}

fn put(runtime: &tokio::runtime::Runtime, database: &Database, item: Item) {
    runtime
        .block_on(database.put_item(PutItemInput {
            table_name: Some("things".to_owned()),
            item: Some(item),
            ..Default::default()
        }))
        .expect("put item");
}

/// DynamoDB's order of two key values of one type.
fn key_order(a: &AttributeValue, b: &AttributeValue) -> Ordering {
    gannet_expr::compare_ordered(a, b).expect("comparable key values")
}

fn encoded(value: &AttributeValue) -> Vec<u8> {
    let mut out = Vec::new();
    encode_key_value(value, &mut out);
    out
}

// --- collecting pages ---------------------------------------------------------------------

fn query_pages(database: &Database, mut input: QueryInput) -> Result<Vec<QueryOutput>, Error> {
    let mut pages = Vec::new();
    for _ in 0..10_000 {
        let page = database.query(input.clone())?;
        let next = page.last_evaluated_key.clone();
        pages.push(page);
        match next {
            Some(key) => input.exclusive_start_key = Some(key),
            None => return Ok(pages),
        }
    }
    panic!("query pagination did not end");
}

fn scan_pages(database: &Database, mut input: ScanInput) -> Result<Vec<QueryOutput>, Error> {
    let mut pages = Vec::new();
    for _ in 0..10_000 {
        let page = database.scan(input.clone())?;
        let next = page.last_evaluated_key.clone();
        pages.push(page);
        match next {
            Some(key) => input.exclusive_start_key = Some(key),
            None => return Ok(pages),
        }
    }
    panic!("scan pagination did not end");
}

fn page_items(pages: &[QueryOutput]) -> Vec<Item> {
    pages
        .iter()
        .flat_map(|page| page.items.clone().unwrap_or_default())
        .collect()
}

// --- generated cases ----------------------------------------------------------------------

/// Sort-key values from a small domain, so that conditions often land exactly on stored keys.
fn key_value(ty: KeyType) -> BoxedStrategy<AttributeValue> {
    match ty {
        KeyType::N => (-4i32..4, prop_oneof![Just(""), Just(".5")])
            .prop_map(|(whole, fraction)| number(&format!("{whole}{fraction}")))
            .boxed(),
        KeyType::S => "[a\u{e9}]{1,2}".prop_map(AttributeValue::S).boxed(),
        KeyType::B => prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 1..3)
            .prop_map(AttributeValue::B)
            .boxed(),
    }
}

/// A sort-key condition of the reference: operator and operands.
#[derive(Debug, Clone)]
enum SortCondition {
    None,
    Compare(&'static str, AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

impl SortCondition {
    fn holds(&self, sort: &AttributeValue) -> bool {
        match self {
            SortCondition::None => true,
            SortCondition::Compare(operator, value) => {
                let order = key_order(sort, value);
                match *operator {
                    "=" => order.is_eq(),
                    "<" => order.is_lt(),
                    "<=" => order.is_le(),
                    ">" => order.is_gt(),
                    _ => order.is_ge(),
                }
            }
            SortCondition::Between(low, high) => {
                key_order(sort, low).is_ge() && key_order(sort, high).is_le()
            }
            SortCondition::BeginsWith(prefix) => match (sort, prefix) {
                (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
                (AttributeValue::B(s), AttributeValue::B(p)) => s.starts_with(p),
                _ => false,
            },
        }
    }

    /// The condition as KeyConditionExpression text (placeholders :p, :a, :b) and its values.
    fn expression(&self, partition: &AttributeValue) -> (String, BTreeMap<String, AttributeValue>) {
        let mut values = BTreeMap::from([(":p".to_owned(), partition.clone())]);
        let sort = match self {
            SortCondition::None => None,
            SortCondition::Compare(operator, value) => {
                values.insert(":a".to_owned(), value.clone());
                Some(format!("sk {operator} :a"))
            }
            SortCondition::Between(low, high) => {
                values.insert(":a".to_owned(), low.clone());
                values.insert(":b".to_owned(), high.clone());
                Some("sk BETWEEN :a AND :b".to_owned())
            }
            SortCondition::BeginsWith(prefix) => {
                values.insert(":a".to_owned(), prefix.clone());
                Some("begins_with(sk, :a)".to_owned())
            }
        };
        let text = match sort {
            Some(sort) => format!("pk = :p AND {sort}"),
            None => "pk = :p".to_owned(),
        };
        (text, values)
    }

    /// The same condition as legacy KeyConditions.
    fn key_conditions(&self, partition: &AttributeValue) -> BTreeMap<String, LegacyCondition> {
        let entry = |operator: &str, values: Vec<AttributeValue>| LegacyCondition {
            comparison_operator: Some(operator.to_owned()),
            attribute_value_list: Some(values),
        };
        let mut conditions =
            BTreeMap::from([("pk".to_owned(), entry("EQ", vec![partition.clone()]))]);
        let sort = match self {
            SortCondition::None => None,
            SortCondition::Compare(operator, value) => {
                let name = match *operator {
                    "=" => "EQ",
                    "<" => "LT",
                    "<=" => "LE",
                    ">" => "GT",
                    _ => "GE",
                };
                Some(entry(name, vec![value.clone()]))
            }
            SortCondition::Between(low, high) => {
                Some(entry("BETWEEN", vec![low.clone(), high.clone()]))
            }
            SortCondition::BeginsWith(prefix) => Some(entry("BEGINS_WITH", vec![prefix.clone()])),
        };
        if let Some(sort) = sort {
            conditions.insert("sk".to_owned(), sort);
        }
        conditions
    }
}

fn sort_condition(ty: KeyType) -> BoxedStrategy<SortCondition> {
    let compare = (
        prop::sample::select(vec!["=", "<", "<=", ">", ">="]),
        key_value(ty),
    )
        .prop_map(|(operator, value)| SortCondition::Compare(operator, value));
    let between = (key_value(ty), key_value(ty)).prop_map(|(a, b)| {
        if key_order(&a, &b).is_gt() {
            SortCondition::Between(b, a)
        } else {
            SortCondition::Between(a, b)
        }
    });
    let mut options = vec![
        Just(SortCondition::None).boxed(),
        compare.boxed(),
        between.boxed(),
    ];
    match ty {
        KeyType::S => options.push(
            "[a\u{e9}]{1,2}"
                .prop_map(|p| SortCondition::BeginsWith(AttributeValue::S(p)))
                .boxed(),
        ),
        KeyType::B => options.push(
            prop::collection::vec(prop_oneof![Just(0u8), Just(1), Just(0xFF)], 1..2)
                .prop_map(|p| SortCondition::BeginsWith(AttributeValue::B(p)))
                .boxed(),
        ),
        KeyType::N => {}
    }
    prop::strategy::Union::new(options).boxed()
}

#[derive(Debug, Clone)]
struct RangeTableCase {
    hash: KeyType,
    sort: KeyType,
    /// (partition index 0..4, sort key, value attribute)
    items: Vec<(u8, AttributeValue, i32)>,
    queried_partition: u8,
    condition: SortCondition,
    forward: bool,
    limit: Option<i64>,
    /// Keep items with `v > filter`.
    filter: Option<i32>,
    legacy: bool,
}

fn partition_value(hash: KeyType, index: u8) -> AttributeValue {
    match hash {
        KeyType::N => number(&(i32::from(index) - 2).to_string()),
        KeyType::S => string(&format!("p{index}")),
        KeyType::B => AttributeValue::B(vec![index, 0]),
    }
}

fn range_table_case() -> impl Strategy<Value = RangeTableCase> {
    (
        prop::sample::select(vec![KeyType::S, KeyType::N, KeyType::B]),
        prop::sample::select(vec![KeyType::S, KeyType::N, KeyType::B]),
    )
        .prop_flat_map(|(hash, sort)| {
            (
                prop::collection::vec((0u8..3, key_value(sort), -5i32..5), 0..30),
                0u8..3,
                sort_condition(sort),
                any::<bool>(),
                prop::option::of(1i64..6),
                prop::option::of(-5i32..5),
                any::<bool>(),
            )
                .prop_map(
                    move |(items, queried_partition, condition, forward, limit, filter, legacy)| {
                        RangeTableCase {
                            hash,
                            sort,
                            items,
                            queried_partition,
                            condition,
                            forward,
                            limit,
                            filter,
                            legacy,
                        }
                    },
                )
        })
}

fn item_of(hash: KeyType, partition: u8, sort: Option<&AttributeValue>, value: i32) -> Item {
    let mut item = Item::from([
        ("pk".to_owned(), partition_value(hash, partition)),
        ("v".to_owned(), number(&value.to_string())),
    ]);
    if let Some(sort) = sort {
        item.insert("sk".to_owned(), sort.clone());
    }
    item
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn query_pages_equal_the_reference(case in range_table_case()) {
        let runtime = runtime();
        let database = create_table(&runtime, case.hash, Some(case.sort));
        // The reference: the last write of each key wins.
        let mut reference: BTreeMap<(u8, Vec<u8>), Item> = BTreeMap::new();
        for (partition, sort, value) in &case.items {
            let item = item_of(case.hash, *partition, Some(sort), *value);
            put(&runtime, &database, item.clone());
            reference.insert((*partition, encoded(sort)), item);
        }
        let mut expected: Vec<Item> = reference
            .iter()
            .filter(|((partition, _), item)| {
                *partition == case.queried_partition && case.condition.holds(&item["sk"])
            })
            .map(|(_, item)| item.clone())
            .collect();
        expected.sort_by(|a, b| key_order(&a["sk"], &b["sk"]));
        if !case.forward {
            expected.reverse();
        }
        let evaluated = expected.len();
        if let Some(threshold) = case.filter {
            expected.retain(|item| key_order(&item["v"], &number(&threshold.to_string())).is_gt());
        }

        let partition = partition_value(case.hash, case.queried_partition);
        let mut input = QueryInput {
            table_name: Some("things".to_owned()),
            scan_index_forward: Some(case.forward),
            limit: case.limit,
            ..Default::default()
        };
        match (case.legacy, case.filter) {
            (true, filter) => {
                input.key_conditions = Some(case.condition.key_conditions(&partition));
                input.query_filter = filter.map(|threshold| BTreeMap::from([(
                    "v".to_owned(),
                    LegacyCondition {
                        comparison_operator: Some("GT".to_owned()),
                        attribute_value_list: Some(vec![number(&threshold.to_string())]),
                    },
                )]));
            }
            (false, filter) => {
                let (text, mut values) = case.condition.expression(&partition);
                input.key_condition_expression = Some(text);
                if let Some(threshold) = filter {
                    input.filter_expression = Some("v > :f".to_owned());
                    values.insert(":f".to_owned(), number(&threshold.to_string()));
                }
                input.expression_attribute_values = Some(values);
            }
        }
        let pages = query_pages(&database, input).expect("query");
        prop_assert_eq!(page_items(&pages), expected);
        let scanned: usize = pages.iter().map(|page| page.scanned_count).sum();
        prop_assert_eq!(scanned, evaluated);
        for page in &pages {
            prop_assert_eq!(page.count, page.items.as_ref().map_or(0, Vec::len));
            if let Some(limit) = case.limit {
                prop_assert!(page.scanned_count <= limit as usize);
                // A page that stops at Limit says where to resume.
                if page.scanned_count == limit as usize {
                    prop_assert!(page.last_evaluated_key.is_some());
                }
            }
        }
    }

    #[test]
    fn scan_pages_and_segments_equal_the_reference(
        hash in prop::sample::select(vec![KeyType::S, KeyType::N, KeyType::B]),
        sort in prop::option::of(prop::sample::select(vec![KeyType::S, KeyType::N, KeyType::B])),
        seeds in prop::collection::vec((0u8..30, any::<u16>(), -5i32..5), 0..60),
        limit in prop::option::of(1i64..7),
        filter in prop::option::of(-5i32..5),
        total_segments in 1i64..9,
    ) {
        let runtime = runtime();
        let database = create_table(&runtime, hash, sort);
        let mut reference: BTreeMap<Vec<u8>, Item> = BTreeMap::new();
        for (partition, seed, value) in &seeds {
            let sort_value = sort.map(|ty| match ty {
                KeyType::N => number(&(seed % 7).to_string()),
                KeyType::S => string(&format!("s{}", seed % 7)),
                KeyType::B => AttributeValue::B(vec![(seed % 7) as u8]),
            });
            let item = item_of(hash, *partition, sort_value.as_ref(), *value);
            put(&runtime, &database, item.clone());
            let mut key = encoded(&item["pk"]);
            if let Some(sort_value) = &sort_value {
                key.extend(encoded(sort_value));
            }
            reference.insert(key, item);
        }
        // Scan order: partition hash, then partition key, then sort key.
        let scan_order = |item: &Item| {
            let partition = encoded(&item["pk"]);
            (partition_hash(&partition), partition, item.get("sk").map(encoded))
        };
        let mut expected: Vec<Item> = reference.values().cloned().collect();
        expected.sort_by_key(|item| scan_order(item));
        if let Some(threshold) = filter {
            expected.retain(|item| key_order(&item["v"], &number(&threshold.to_string())).is_gt());
        }
        let input = ScanInput {
            table_name: Some("things".to_owned()),
            limit,
            filter_expression: filter.map(|_| "v > :f".to_owned()),
            expression_attribute_values: filter.map(|threshold| {
                BTreeMap::from([(":f".to_owned(), number(&threshold.to_string()))])
            }),
            ..Default::default()
        };
        let pages = scan_pages(&database, input.clone()).expect("scan");
        prop_assert_eq!(page_items(&pages), expected.clone());

        // Segments: each item in exactly one, each segment in scan order.
        let mut seen = BTreeSet::new();
        let mut collected = 0;
        for segment in 0..total_segments {
            let pages = scan_pages(&database, ScanInput {
                segment: Some(segment),
                total_segments: Some(total_segments),
                ..input.clone()
            })
            .expect("segment scan");
            let items = page_items(&pages);
            let mut ordered = items.clone();
            ordered.sort_by_key(|item| scan_order(item));
            prop_assert_eq!(&items, &ordered);
            for item in items {
                collected += 1;
                prop_assert!(seen.insert(scan_order(&item)), "item in two segments");
            }
        }
        prop_assert_eq!(collected, expected.len());
    }
}

// --- fixed cases --------------------------------------------------------------------------

fn query_input(text: &str, values: &[(&str, AttributeValue)]) -> QueryInput {
    QueryInput {
        table_name: Some("things".to_owned()),
        key_condition_expression: Some(text.to_owned()),
        expression_attribute_values: Some(
            values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        ),
        ..Default::default()
    }
}

fn error_message<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    result.expect_err("expected an error").to_string()
}

#[test]
fn pages_stop_at_the_item_that_crosses_one_megabyte() {
    let runtime = runtime();
    let database = create_table(&runtime, KeyType::S, Some(KeyType::N));
    let pad = "x".repeat(100_000);
    for i in 0..25 {
        let mut item = item_of(KeyType::S, 0, Some(&number(&i.to_string())), i);
        item.insert("pad".to_owned(), string(&pad));
        put(&runtime, &database, item);
    }
    // Each item is a little over 100 KB: the eleventh reaches 1 MB and ends the page.
    let pages = query_pages(&database, query_input("pk = :p", &[(":p", string("p0"))])).unwrap();
    let sizes: Vec<usize> = pages.iter().map(|page| page.scanned_count).collect();
    assert_eq!(sizes, vec![11, 11, 3]);
    assert_eq!(
        pages[0].last_evaluated_key,
        Some(Item::from([
            ("pk".to_owned(), string("p0")),
            ("sk".to_owned(), number("10")),
        ]))
    );
    let scanned = scan_pages(
        &database,
        ScanInput {
            table_name: Some("things".to_owned()),
            select: Some("COUNT".to_owned()),
            ..Default::default()
        },
    )
    .unwrap();
    let counts: Vec<(usize, bool)> = scanned
        .iter()
        .map(|page| (page.count, page.items.is_none()))
        .collect();
    assert_eq!(counts, vec![(11, true), (11, true), (3, true)]);
}

#[test]
fn limit_counts_items_before_the_filter() {
    let runtime = runtime();
    let database = create_table(&runtime, KeyType::S, Some(KeyType::N));
    for i in 0..10 {
        put(
            &runtime,
            &database,
            item_of(KeyType::S, 0, Some(&number(&i.to_string())), i % 2),
        );
    }
    let mut input = query_input("pk = :p", &[(":p", string("p0")), (":one", number("1"))]);
    input.filter_expression = Some("v = :one".to_owned());
    input.limit = Some(4);
    let page = database.query(input).unwrap();
    assert_eq!((page.scanned_count, page.count), (4, 2));
    assert_eq!(page.last_evaluated_key.unwrap()["sk"], number("3"));
}

#[test]
fn key_condition_errors_use_aws_messages() {
    let runtime = runtime();
    let database = create_table(&runtime, KeyType::S, Some(KeyType::N));
    let query = |text: &str, values: &[(&str, AttributeValue)]| {
        error_message(database.query(query_input(text, values)))
    };
    assert_eq!(
        query("sk = :a", &[(":a", number("1"))]),
        "Query condition missed key schema element: pk"
    );
    assert_eq!(
        query("pk > :a", &[(":a", string("x"))]),
        "Query key condition not supported"
    );
    assert_eq!(
        query(
            "pk = :a AND extra = :b",
            &[(":a", string("x")), (":b", number("1"))]
        ),
        "Query condition missed key schema element: sk"
    );
    assert_eq!(
        query(
            "pk = :a AND pk = :b",
            &[(":a", string("x")), (":b", string("y"))]
        ),
        "KeyConditionExpressions must only contain one condition per key"
    );
    assert_eq!(
        query(
            "pk = :a AND sk = :b AND extra = :c",
            &[
                (":a", string("x")),
                (":b", number("1")),
                (":c", number("1"))
            ]
        ),
        "Conditions can be of length 1 or 2 only"
    );
    assert_eq!(
        query("pk = :a", &[(":a", number("1"))]),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    assert_eq!(
        query(
            "pk = :a AND begins_with(sk, :b)",
            &[(":a", string("x")), (":b", string("1"))]
        ),
        "One or more parameter values were invalid: Condition parameter type does not match schema type"
    );
    let mut filtered = query_input("pk = :a", &[(":a", string("x")), (":b", number("1"))]);
    filtered.filter_expression = Some("sk > :b".to_owned());
    assert_eq!(
        error_message(database.query(filtered)),
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    );
    assert_eq!(
        error_message(database.query(QueryInput {
            table_name: Some("things".to_owned()),
            ..Default::default()
        })),
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
    );
}

#[test]
fn start_keys_are_checked_against_schema_and_condition() {
    let runtime = runtime();
    let database = create_table(&runtime, KeyType::S, Some(KeyType::N));
    let start = |key: Item, text: &str| {
        let mut input = query_input(text, &[(":p", string("p0")), (":a", number("5"))]);
        input.exclusive_start_key = Some(key);
        error_message(database.query(input))
    };
    let key = |pk: AttributeValue, sk: AttributeValue| {
        Item::from([("pk".to_owned(), pk), ("sk".to_owned(), sk)])
    };
    assert_eq!(
        start(
            Item::from([("pk".to_owned(), string("p0"))]),
            "pk = :p AND sk > :a"
        ),
        "The provided starting key is invalid"
    );
    assert_eq!(
        start(key(string("p0"), string("1")), "pk = :p AND sk > :a"),
        "The provided key element does not match the schema"
    );
    assert_eq!(
        start(key(string("p0"), number("1")), "pk = :p AND sk > :a"),
        "The provided starting key does not match the range key predicate"
    );
    assert_eq!(
        start(key(string("p1"), number("6")), "pk = :p AND sk > :a"),
        "The query can return at most one row and cannot be restarted"
    );
    let mut outside = query_input("pk = :p", &[(":p", string("p0"))]);
    outside.exclusive_start_key = Some(key(string("p1"), number("6")));
    assert_eq!(
        error_message(database.query(outside)),
        "The provided starting key is outside query boundaries based on provided conditions"
    );
    let scan = |start_key: Item, segment: Option<(i64, i64)>| {
        error_message(database.scan(ScanInput {
            table_name: Some("things".to_owned()),
            exclusive_start_key: Some(start_key),
            segment: segment.map(|s| s.0),
            total_segments: segment.map(|s| s.1),
            ..Default::default()
        }))
    };
    assert_eq!(
        scan(Item::from([("pk".to_owned(), string("p0"))]), None),
        "The provided starting key is invalid: The provided key element does not match the schema"
    );
    // Find a key that hashes into the upper half, then offer it to the lower half.
    let upper = (0..64)
        .map(|i| string(&format!("k{i}")))
        .find(|pk| partition_hash(&encoded(pk)) >= 1 << 63)
        .expect("some key hashes high");
    assert_eq!(
        scan(key(upper, number("1")), Some((0, 2))),
        "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0"
    );
}

#[test]
fn member_constraints_are_reported_together() {
    let runtime = runtime();
    let database = create_table(&runtime, KeyType::S, None);
    let message = error_message(database.scan(ScanInput {
        table_name: Some("things".to_owned()),
        limit: Some(0),
        segment: Some(-1),
        total_segments: Some(1_000_001),
        select: Some("ALL".to_owned()),
        ..Default::default()
    }));
    assert_eq!(
        message,
        "4 validation errors detected: Value 'ALL' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000; Value '-1' at 'segment' failed to satisfy constraint: Member must have value greater than or equal to 0; Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    assert_eq!(
        error_message(database.scan(ScanInput {
            table_name: Some("things".to_owned()),
            index_name: Some("byDate".to_owned()),
            ..Default::default()
        })),
        "The table does not have the specified index: byDate"
    );
}
