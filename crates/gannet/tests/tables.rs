//! End-to-end: the control plane (CreateTable, DescribeTable, ListTables, DeleteTable,
//! UpdateTable, tags, DescribeLimits, DescribeEndpoints) through aws-sdk-dynamodb.

mod common;

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::{
    BillingMode, KeyType, ProvisionedThroughput, ScalarAttributeType, StreamSpecification,
    StreamViewType, TableClass, TableStatus, Tag,
};
use common::*;

fn throughput(r: i64, w: i64) -> ProvisionedThroughput {
    ProvisionedThroughput::builder()
        .read_capacity_units(r)
        .write_capacity_units(w)
        .build()
        .unwrap()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build().unwrap()
}

fn arn(name: &str) -> String {
    format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}")
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

#[tokio::test]
async fn create_hash_only_pay_per_request_then_describe() {
    let server = Server::start_on_disk().await;
    let c = server.client().await;
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = c
        .create_table()
        .table_name("users")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key_elem("pk", KeyType::Hash))
        .send()
        .await
        .unwrap();
    let d = out.table_description().unwrap();
    assert_eq!(d.table_name(), Some("users"));
    assert_eq!(d.table_status(), Some(&TableStatus::Creating));
    assert_eq!(d.table_arn(), Some(arn("users").as_str()));
    assert!(is_uuid(d.table_id().unwrap()), "TableId {:?}", d.table_id());
    assert_eq!(d.key_schema(), &[key_elem("pk", KeyType::Hash)]);
    assert_eq!(
        d.attribute_definitions(),
        &[attr_def("pk", ScalarAttributeType::S)]
    );
    assert_eq!(
        d.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::PayPerRequest)
    );
    let created = d.creation_date_time().unwrap().secs();
    assert!(
        (created - before).abs() <= 5,
        "CreationDateTime {created} vs now {before}"
    );

    let t = c.describe_table().table_name("users").send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.table_status(), Some(&TableStatus::Active));
    assert_eq!(t.table_id(), d.table_id());
    assert_eq!(t.table_arn(), Some(arn("users").as_str()));
    assert_eq!(t.creation_date_time(), d.creation_date_time());
    assert_eq!(t.item_count(), Some(0));
    assert_eq!(t.table_size_bytes(), Some(0));
    assert_eq!(t.deletion_protection_enabled(), Some(false));
    let pt = t.provisioned_throughput().unwrap();
    assert_eq!(pt.read_capacity_units(), Some(0));
    assert_eq!(pt.write_capacity_units(), Some(0));
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::PayPerRequest)
    );
}

#[tokio::test]
async fn create_hash_range_provisioned_and_waiter_is_fast() {
    let server = Server::start().await;
    let c = server.client().await;
    let start = Instant::now();
    c.create_table()
        .table_name("events")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(7, 3))
        .attribute_definitions(attr_def("user", ScalarAttributeType::S))
        .attribute_definitions(attr_def("ts", ScalarAttributeType::N))
        .key_schema(key_elem("user", KeyType::Hash))
        .key_schema(key_elem("ts", KeyType::Range))
        .send()
        .await
        .unwrap();
    c.wait_until_table_exists()
        .table_name("events")
        .wait(Duration::from_secs(5))
        .await
        .expect("table_exists waiter");
    assert!(start.elapsed() < Duration::from_secs(5));
    let t = c
        .describe_table()
        .table_name("events")
        .send()
        .await
        .unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.table_status(), Some(&TableStatus::Active));
    assert_eq!(
        t.key_schema(),
        &[
            key_elem("user", KeyType::Hash),
            key_elem("ts", KeyType::Range)
        ]
    );
    let pt = t.provisioned_throughput().unwrap();
    assert_eq!(pt.read_capacity_units(), Some(7));
    assert_eq!(pt.write_capacity_units(), Some(3));
    if let Some(summary) = t.billing_mode_summary() {
        assert_eq!(summary.billing_mode(), Some(&BillingMode::Provisioned));
    }
}

#[tokio::test]
async fn create_with_tags_protection_class_and_stream() {
    let server = Server::start().await;
    let c = server.client().await;
    let out = c
        .create_table()
        .table_name("fancy")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key_elem("pk", KeyType::Hash))
        .tags(tag("team", "storage"))
        .tags(tag("env", "test"))
        .deletion_protection_enabled(true)
        .table_class(TableClass::StandardInfrequentAccess)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = out.table_description().unwrap();
    assert_eq!(d.deletion_protection_enabled(), Some(true));
    let spec = d
        .stream_specification()
        .expect("StreamSpecification echoed");
    assert!(spec.stream_enabled());
    assert_eq!(
        spec.stream_view_type(),
        Some(&StreamViewType::NewAndOldImages)
    );
    assert_eq!(
        d.table_class_summary().and_then(|s| s.table_class()),
        Some(&TableClass::StandardInfrequentAccess)
    );
    let t = c.describe_table().table_name("fancy").send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.deletion_protection_enabled(), Some(true));
    assert_eq!(
        t.stream_specification().and_then(|s| s.stream_view_type()),
        Some(&StreamViewType::NewAndOldImages)
    );
    let tags = c
        .list_tags_of_resource()
        .resource_arn(arn("fancy"))
        .send()
        .await
        .unwrap();
    let mut tags: Vec<(String, String)> = tags
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.sort();
    assert_eq!(
        tags,
        vec![
            ("env".to_string(), "test".to_string()),
            ("team".to_string(), "storage".to_string())
        ]
    );
}

#[tokio::test]
async fn create_existing_table_is_resource_in_use() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "dup", ScalarAttributeType::S, None).await;
    let res = c
        .create_table()
        .table_name("dup")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key_elem("pk", KeyType::Hash))
        .send()
        .await;
    match res {
        Err(e) => match e.into_service_error() {
            CreateTableError::ResourceInUseException(e) => {
                assert_eq!(e.message(), Some("Table already exists: dup"))
            }
            other => panic!("expected ResourceInUseException, got {other:?}"),
        },
        Ok(v) => panic!("created twice: {v:?}"),
    }
}

#[tokio::test]
async fn create_table_validation_errors() {
    let server = Server::start().await;
    let c = server.client().await;
    let base = || {
        c.create_table()
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
            .key_schema(key_elem("pk", KeyType::Hash))
    };

    assert_err(
        base().table_name("ab").send().await,
        VALIDATION,
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3",
    );
    let long = "a".repeat(256);
    assert_err(
        base().table_name(&long).send().await,
        VALIDATION,
        &format!(
            "1 validation error detected: Value '{long}' at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 255"
        ),
    );
    assert_err(
        base().table_name("bad name!").send().await,
        VALIDATION,
        "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );

    // Key schema names an attribute that is not defined.
    assert_err(
        c.create_table()
            .table_name("tbl1")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("other", ScalarAttributeType::S))
            .key_schema(key_elem("pk", KeyType::Hash))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
    );
    // More keys than definitions.
    assert_err(
        base()
            .table_name("tbl1b")
            .key_schema(key_elem("sk", KeyType::Range))
            .send()
            .await,
        VALIDATION,
        "Invalid KeySchema: Some index key attribute have no definition",
    );
    // A defined attribute that no key uses.
    assert_err(
        base()
            .table_name("tbl2")
            .attribute_definitions(attr_def("extra", ScalarAttributeType::N))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
    );
    // Two HASH keys.
    assert_err(
        c.create_table()
            .table_name("tbl3")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr_def("a", ScalarAttributeType::S))
            .attribute_definitions(attr_def("b", ScalarAttributeType::S))
            .key_schema(key_elem("a", KeyType::Hash))
            .key_schema(key_elem("b", KeyType::Hash))
            .send()
            .await,
        VALIDATION,
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
    );
    // PROVISIONED without throughput (explicit, and by default).
    let msg = "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED";
    assert_err(
        base()
            .table_name("tbl4")
            .billing_mode(BillingMode::Provisioned)
            .send()
            .await,
        VALIDATION,
        msg,
    );
    assert_err(
        c.create_table()
            .table_name("tbl5")
            .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
            .key_schema(key_elem("pk", KeyType::Hash))
            .send()
            .await,
        VALIDATION,
        msg,
    );
    // PAY_PER_REQUEST with throughput.
    assert_err(
        base()
            .table_name("tbl6")
            .provisioned_throughput(throughput(1, 1))
            .send()
            .await,
        VALIDATION,
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
    );
    // None of the failed creates left a table behind.
    let tables = c.list_tables().send().await.unwrap();
    assert!(
        tables.table_names().is_empty(),
        "{:?}",
        tables.table_names()
    );
}

#[tokio::test]
async fn create_table_without_name_raw() {
    let server = Server::start().await;
    let body = serde_json::json!({
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    let r = server
        .raw(
            Some("DynamoDB_20120810.CreateTable"),
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(
        r.error_type(),
        "com.amazon.coral.validate#ValidationException"
    );
    assert_eq!(
        r.message(),
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
    );
}

#[tokio::test]
async fn describe_missing_table() {
    let server = Server::start().await;
    let c = server.client().await;
    let res = c.describe_table().table_name("nope").send().await;
    let err = res.expect_err("missing table");
    let se = err.into_service_error();
    assert!(
        matches!(se, DescribeTableError::ResourceNotFoundException(_)),
        "{se:?}"
    );
    assert_eq!(
        aws_sdk_dynamodb::error::ProvideErrorMetadata::message(&se),
        Some("Requested resource not found: Table: nope not found")
    );
}

#[tokio::test]
async fn custom_region_and_account_in_arn() {
    let server = Server::start_with(
        Storage::InMemory,
        &["--region", "eu-west-2", "--account-id", "111122223333"],
    )
    .await;
    let c = server.client().await;
    create_table(&c, "arn_check", ScalarAttributeType::S, None).await;
    let t = c
        .describe_table()
        .table_name("arn_check")
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.table().unwrap().table_arn(),
        Some("arn:aws:dynamodb:eu-west-2:111122223333:table/arn_check")
    );
}

#[tokio::test]
async fn list_tables_sorted_paged_and_paginator() {
    let server = Server::start().await;
    let c = server.client().await;
    assert!(
        c.list_tables()
            .send()
            .await
            .unwrap()
            .table_names()
            .is_empty()
    );
    let names = [
        "delta", "Alpha", "charlie", "bravo", "echo.1", "echo-2", "echo_3",
    ];
    for name in names {
        create_table(&c, name, ScalarAttributeType::S, None).await;
    }
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.sort();

    let all = c.list_tables().send().await.unwrap();
    assert_eq!(all.table_names(), expected.as_slice());
    assert_eq!(all.last_evaluated_table_name(), None);

    let p1 = c.list_tables().limit(3).send().await.unwrap();
    assert_eq!(p1.table_names(), &expected[0..3]);
    assert_eq!(p1.last_evaluated_table_name(), Some(expected[2].as_str()));
    let p2 = c
        .list_tables()
        .limit(3)
        .exclusive_start_table_name(p1.last_evaluated_table_name().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(p2.table_names(), &expected[3..6]);
    assert_eq!(p2.last_evaluated_table_name(), Some(expected[5].as_str()));
    let p3 = c
        .list_tables()
        .limit(3)
        .exclusive_start_table_name(p2.last_evaluated_table_name().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(p3.table_names(), &expected[6..]);
    assert_eq!(p3.last_evaluated_table_name(), None);

    let mut via_paginator = Vec::new();
    let mut stream = c.list_tables().limit(2).into_paginator().items().send();
    while let Some(name) = stream.next().await {
        via_paginator.push(name.unwrap());
    }
    assert_eq!(via_paginator, expected);

    assert_err(
        c.list_tables().limit(0).send().await,
        VALIDATION,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_err(
        c.list_tables().limit(101).send().await,
        VALIDATION,
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
}

#[tokio::test]
async fn delete_table_and_recreate_is_empty() {
    let server = Server::start_on_disk().await;
    let c = server.client().await;
    create_table(&c, "cycle", ScalarAttributeType::S, None).await;
    let first_id = c
        .describe_table()
        .table_name("cycle")
        .send()
        .await
        .unwrap()
        .table()
        .unwrap()
        .table_id()
        .unwrap()
        .to_string();
    for i in 0..5 {
        c.put_item()
            .table_name("cycle")
            .set_item(Some(item(&[("pk", s(&format!("k{i}")))])))
            .send()
            .await
            .unwrap();
    }
    let out = c.delete_table().table_name("cycle").send().await.unwrap();
    let d = out.table_description().unwrap();
    assert_eq!(d.table_status(), Some(&TableStatus::Deleting));
    assert_eq!(d.table_name(), Some("cycle"));
    c.wait_until_table_not_exists()
        .table_name("cycle")
        .wait(Duration::from_secs(5))
        .await
        .expect("table_not_exists waiter");
    assert_err(
        c.describe_table().table_name("cycle").send().await,
        NOT_FOUND,
        "Requested resource not found: Table: cycle not found",
    );
    let res = c.delete_table().table_name("cycle").send().await;
    assert_eq!(service_err(res).code, NOT_FOUND);

    create_table(&c, "cycle", ScalarAttributeType::S, None).await;
    let t = c.describe_table().table_name("cycle").send().await.unwrap();
    assert_ne!(t.table().unwrap().table_id(), Some(first_id.as_str()));
    for i in 0..5 {
        let got = c
            .get_item()
            .table_name("cycle")
            .key("pk", s(&format!("k{i}")))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(got.item().is_none(), "k{i} survived the delete");
    }
}

#[tokio::test]
async fn delete_protected_table_refused() {
    let server = Server::start().await;
    let c = server.client().await;
    c.create_table()
        .table_name("guarded")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key_elem("pk", KeyType::Hash))
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap();
    assert_err(
        c.delete_table().table_name("guarded").send().await,
        VALIDATION,
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
    );
    let t = c
        .describe_table()
        .table_name("guarded")
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.table().unwrap().table_status(),
        Some(&TableStatus::Active)
    );
    let u = c
        .update_table()
        .table_name("guarded")
        .deletion_protection_enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        u.table_description().unwrap().deletion_protection_enabled(),
        Some(false)
    );
    c.delete_table().table_name("guarded").send().await.unwrap();
}

#[tokio::test]
async fn update_table_billing_throughput_protection_class() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "upd", ScalarAttributeType::S, None).await;

    c.update_table()
        .table_name("upd")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(4, 2))
        .send()
        .await
        .unwrap();
    c.wait_until_table_exists()
        .table_name("upd")
        .wait(Duration::from_secs(5))
        .await
        .unwrap();
    let t = c.describe_table().table_name("upd").send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.table_status(), Some(&TableStatus::Active));
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::Provisioned)
    );
    assert_eq!(
        t.provisioned_throughput().unwrap().read_capacity_units(),
        Some(4)
    );
    assert_eq!(
        t.provisioned_throughput().unwrap().write_capacity_units(),
        Some(2)
    );

    c.update_table()
        .table_name("upd")
        .provisioned_throughput(throughput(10, 20))
        .send()
        .await
        .unwrap();
    let t = c.describe_table().table_name("upd").send().await.unwrap();
    let pt = t.table().unwrap().provisioned_throughput().unwrap();
    assert_eq!(
        (pt.read_capacity_units(), pt.write_capacity_units()),
        (Some(10), Some(20))
    );

    c.update_table()
        .table_name("upd")
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap();
    let t = c.describe_table().table_name("upd").send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(
        t.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::PayPerRequest)
    );
    assert_eq!(
        t.provisioned_throughput().unwrap().read_capacity_units(),
        Some(0)
    );

    c.update_table()
        .table_name("upd")
        .deletion_protection_enabled(true)
        .table_class(TableClass::StandardInfrequentAccess)
        .send()
        .await
        .unwrap();
    let t = c.describe_table().table_name("upd").send().await.unwrap();
    let t = t.table().unwrap();
    assert_eq!(t.deletion_protection_enabled(), Some(true));
    assert_eq!(
        t.table_class_summary().and_then(|s| s.table_class()),
        Some(&TableClass::StandardInfrequentAccess)
    );

    let res = c
        .update_table()
        .table_name("missing")
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    assert_eq!(service_err(res).code, NOT_FOUND);
}

#[tokio::test]
async fn tag_untag_list() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "tagged", ScalarAttributeType::S, None).await;
    let list = |c: aws_sdk_dynamodb::Client| async move {
        let out = c
            .list_tags_of_resource()
            .resource_arn(arn("tagged"))
            .send()
            .await
            .unwrap();
        let mut v: Vec<(String, String)> = out
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        v.sort();
        v
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert!(list(c.clone()).await.is_empty());
    c.tag_resource()
        .resource_arn(arn("tagged"))
        .tags(tag("a", "1"))
        .tags(tag("b", "2"))
        .send()
        .await
        .unwrap();
    assert_eq!(list(c.clone()).await, pairs(&[("a", "1"), ("b", "2")]));
    c.tag_resource()
        .resource_arn(arn("tagged"))
        .tags(tag("a", "one"))
        .send()
        .await
        .unwrap();
    assert_eq!(list(c.clone()).await, pairs(&[("a", "one"), ("b", "2")]));
    c.untag_resource()
        .resource_arn(arn("tagged"))
        .tag_keys("b")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    assert_eq!(list(c.clone()).await, pairs(&[("a", "one")]));

    let res = c
        .list_tags_of_resource()
        .resource_arn(arn("missing"))
        .send()
        .await;
    assert_eq!(service_err(res).code, NOT_FOUND);
    let res = c
        .tag_resource()
        .resource_arn(arn("missing"))
        .tags(tag("a", "1"))
        .send()
        .await;
    assert_eq!(service_err(res).code, NOT_FOUND);
}

#[tokio::test]
async fn describe_limits_and_endpoints() {
    let server = Server::start().await;
    let c = server.client().await;
    let l = c.describe_limits().send().await.unwrap();
    let acc_r = l.account_max_read_capacity_units().unwrap();
    let acc_w = l.account_max_write_capacity_units().unwrap();
    let tab_r = l.table_max_read_capacity_units().unwrap();
    let tab_w = l.table_max_write_capacity_units().unwrap();
    assert!(acc_r > 0 && acc_w > 0 && tab_r > 0 && tab_w > 0);
    assert!(tab_r <= acc_r && tab_w <= acc_w);

    let e = c.describe_endpoints().send().await.unwrap();
    let ep = e.endpoints().first().expect("at least one endpoint");
    assert!(!ep.address().is_empty());
    assert_eq!(ep.cache_period_in_minutes(), 1440);
}

/// Polls DescribeTable until `want` (or gone, for `None`), for at most 5 s.
async fn poll_status(c: &aws_sdk_dynamodb::Client, name: &str, want: Option<TableStatus>) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let res = c.describe_table().table_name(name).send().await;
        let status = match res {
            Ok(out) => out.table().and_then(|t| t.table_status()).cloned(),
            Err(e) => {
                assert_eq!(service_err(Err::<(), _>(e)).code, NOT_FOUND);
                None
            }
        };
        if status == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{name}: still {status:?}, want {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn transition_delay_shows_intermediate_states() {
    let server = Server::start_with(Storage::InMemory, &["--transition-delay", "400"]).await;
    let c = server.client().await;
    let out = c
        .create_table()
        .table_name("slow")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", ScalarAttributeType::S))
        .key_schema(key_elem("pk", KeyType::Hash))
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.table_description().unwrap().table_status(),
        Some(&TableStatus::Creating)
    );
    let t = c.describe_table().table_name("slow").send().await.unwrap();
    assert_eq!(
        t.table().unwrap().table_status(),
        Some(&TableStatus::Creating)
    );
    poll_status(&c, "slow", Some(TableStatus::Active)).await;

    let out = c
        .update_table()
        .table_name("slow")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(2, 2))
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.table_description().unwrap().table_status(),
        Some(&TableStatus::Updating)
    );
    poll_status(&c, "slow", Some(TableStatus::Active)).await;

    let out = c.delete_table().table_name("slow").send().await.unwrap();
    assert_eq!(
        out.table_description().unwrap().table_status(),
        Some(&TableStatus::Deleting)
    );
    let t = c.describe_table().table_name("slow").send().await.unwrap();
    assert_eq!(
        t.table().unwrap().table_status(),
        Some(&TableStatus::Deleting)
    );
    poll_status(&c, "slow", None).await;
}

#[tokio::test]
async fn table_arn_accepted_as_table_name() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "by_arn", ScalarAttributeType::S, None).await;
    c.put_item()
        .table_name(arn("by_arn"))
        .item("pk", s("a"))
        .send()
        .await
        .unwrap();
    let got = c
        .get_item()
        .table_name(arn("by_arn"))
        .key("pk", s("a"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.item(), Some(&item(&[("pk", s("a"))])));
    // The API reference allows the ARN in DescribeTable's TableName too.
    let t = c
        .describe_table()
        .table_name(arn("by_arn"))
        .send()
        .await
        .unwrap();
    assert_eq!(t.table().unwrap().table_name(), Some("by_arn"));
}
