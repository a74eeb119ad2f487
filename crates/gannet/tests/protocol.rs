//! End-to-end: the wire protocol with raw HTTP (what the SDK would never send): bad JSON,
//! unknown operations, missing auth, checksums, request ids, oversized bodies.

mod common;

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::ScalarAttributeType;
use common::*;

const SERIALIZATION: &str = "com.amazon.coral.service#SerializationException";
const UNKNOWN_OP: &str = "com.amazon.coral.service#UnknownOperationException";

/// Every answer carries a request id, the CRC32 of its body and the JSON 1.0 content type.
#[track_caller]
fn assert_protocol_headers(r: &RawResponse) {
    let rid = r
        .header("x-amzn-RequestId")
        .expect("x-amzn-RequestId header");
    assert!(!rid.is_empty());
    let crc: u32 = r
        .header("x-amz-crc32")
        .expect("x-amz-crc32 header")
        .parse()
        .expect("x-amz-crc32 is a decimal u32");
    assert_eq!(crc, crc32(&r.body), "x-amz-crc32 does not match the body");
    let ctype = r.header("content-type").unwrap_or_default();
    assert!(
        ctype.starts_with("application/x-amz-json-1.0"),
        "content-type {ctype:?}"
    );
}

#[test]
fn crc32_helper_matches_the_standard_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(crc32(b""), 0);
}

#[tokio::test]
async fn success_and_error_headers() {
    let server = Server::start().await;
    let ok = server.raw(Some("DynamoDB_20120810.ListTables"), "{}").await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert!(ok.json()["TableNames"].is_array());
    assert_protocol_headers(&ok);

    let err = server
        .raw(
            Some("DynamoDB_20120810.DescribeTable"),
            r#"{"TableName":"nope"}"#,
        )
        .await;
    assert_eq!(err.status, 400);
    assert_protocol_headers(&err);
    assert_eq!(
        err.error_type(),
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    );
    assert_eq!(
        err.message(),
        "Requested resource not found: Table: nope not found"
    );

    let again = server.raw(Some("DynamoDB_20120810.ListTables"), "{}").await;
    assert_ne!(
        again.header("x-amzn-RequestId"),
        ok.header("x-amzn-RequestId"),
        "request ids must differ"
    );
}

#[tokio::test]
async fn malformed_json_is_serialization_exception() {
    let server = Server::start().await;
    // The last one is well-formed JSON but for a byte that is not UTF-8 inside a string.
    for body in [
        &b"{\"Limit\": 1,"[..],
        b"not json",
        b"[1,2]",
        b"\xff\xfe",
        b"{\"ExclusiveStartTableName\": \"a\xffb\"}",
    ] {
        let r = server.raw(Some("DynamoDB_20120810.ListTables"), body).await;
        assert_eq!(r.status, 400, "{body:?} -> {r:?}");
        assert_eq!(r.error_type(), SERIALIZATION, "{body:?}");
        assert_protocol_headers(&r);
    }
    // A member of the wrong JSON type.
    let r = server
        .raw(
            Some("DynamoDB_20120810.DescribeTable"),
            r#"{"TableName": 5}"#,
        )
        .await;
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(r.error_type(), SERIALIZATION);
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let server = Server::start().await;
    let r = server
        .raw(
            Some("DynamoDB_20120810.ListTables"),
            r#"{"SomeFutureParameter": {"x": 1}}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

#[tokio::test]
async fn unknown_operation() {
    let server = Server::start().await;
    let r = server.raw(Some("DynamoDB_20120810.Frobnicate"), "{}").await;
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(r.error_type(), UNKNOWN_OP);
    assert_protocol_headers(&r);
    let r = server.raw(Some("NotAService.ListTables"), "{}").await;
    assert!((400..500).contains(&r.status), "{r:?}");
    assert_eq!(r.error_type(), UNKNOWN_OP);
    let r = server.raw(None, "{}").await;
    assert!((400..500).contains(&r.status), "missing target: {r:?}");
}

#[tokio::test]
async fn known_but_unimplemented_operation_is_never_500() {
    let server = Server::start().await;
    let c = server.client().await;
    create_table(&c, "bkp", ScalarAttributeType::S, None).await;
    let r = server
        .raw(
            Some("DynamoDB_20120810.CreateBackup"),
            r#"{"TableName":"bkp","BackupName":"b1"}"#,
        )
        .await;
    assert!(r.status < 500, "{r:?}");
    if r.status == 200 {
        assert!(r.json().get("BackupDetails").is_some(), "{r:?}");
    } else {
        assert!((400..500).contains(&r.status));
        assert!(
            r.message().contains("CreateBackup") || r.error_type().contains("CreateBackup"),
            "error should name the operation: {r:?}"
        );
    }
}

#[tokio::test]
async fn missing_authentication() {
    let server = Server::start().await;
    let r = raw_request(
        &server.endpoint,
        Some("DynamoDB_20120810.ListTables"),
        b"{}".to_vec(),
        false,
        &[],
    )
    .await;
    assert!(r.status == 400 || r.status == 403, "{r:?}");
    assert!(
        r.error_type()
            .ends_with("MissingAuthenticationTokenException"),
        "{r:?}"
    );
    let r = raw_request(
        &server.endpoint,
        Some("DynamoDB_20120810.ListTables"),
        b"{}".to_vec(),
        false,
        &[("Authorization", "garbage")],
    )
    .await;
    assert!((400..500).contains(&r.status), "{r:?}");
}

#[tokio::test]
async fn huge_body_refused_quickly() {
    let server = Server::start().await;
    let size = 20 * 1024 * 1024;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(br#"{"TableName":"huge","Item":{"pk":{"S":""#);
    body.resize(size - 4, b'a');
    body.extend_from_slice(br#""}}}"#);
    let start = Instant::now();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let res = http
        .post(format!("{}/", server.endpoint))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810.PutItem")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", FAKE_AUTH)
        .body(body)
        .send()
        .await;
    let elapsed = start.elapsed();
    match res {
        Ok(resp) => {
            let status = resp.status().as_u16();
            assert!(
                (400..500).contains(&status),
                "status {status} for a 20 MB body"
            );
        }
        // The server may hang up before reading the whole body; its 4xx can then be lost to
        // the TCP reset. A timeout is not acceptable.
        Err(e) => assert!(!e.is_timeout(), "20 MB request timed out: {e}"),
    }
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    let ok = server.raw(Some("DynamoDB_20120810.ListTables"), "{}").await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn server_survives_abuse() {
    let mut server = Server::start_on_disk().await;
    let c = server.client().await;
    create_table(&c, "alive", ScalarAttributeType::S, None).await;
    let bodies: [&[u8]; 7] = [
        b"{",
        b"}",
        b"",
        b"null",
        br#"{"TableName": null}"#,
        br#"{"TableName":"alive","Key":{"pk":{}}}"#,
        br#"{"TableName":"alive","Key":{"pk":{"S":"a","N":"1"}}}"#,
    ];
    for target in [
        "GetItem",
        "PutItem",
        "DeleteItem",
        "CreateTable",
        "UpdateTable",
    ] {
        for body in bodies {
            let r = server
                .raw(Some(&format!("DynamoDB_20120810.{target}")), body)
                .await;
            assert!(
                (400..500).contains(&r.status),
                "{target} {:?} -> {r:?}",
                String::from_utf8_lossy(body)
            );
        }
    }
    let r = server.raw(Some("DynamoDB_20120810.Nope"), "{}").await;
    assert_eq!(r.status, 400);
    assert!(server.is_running(), "server died:\n{}", server.log_tail(30));
    c.put_item()
        .table_name("alive")
        .item("pk", s("still"))
        .send()
        .await
        .unwrap();
    let got = c
        .get_item()
        .table_name("alive")
        .key("pk", s("still"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.item(), Some(&item(&[("pk", s("still"))])));
}
