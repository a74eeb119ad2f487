"""The wire protocol, with raw HTTP: headers, checksums, bad input. The server must survive it all."""

from __future__ import annotations

import http.client
import json
import time
import zlib

import pytest

from gannet_e2e import FAKE_AUTH, unique_name

SERIALIZATION = "com.amazon.coral.service#SerializationException"
UNKNOWN_OP = "com.amazon.coral.service#UnknownOperationException"
VALIDATION = "com.amazon.coral.validate#ValidationException"


def error_type(resp):
    return resp.json().get("__type", "")


def error_message(resp):
    body = resp.json()
    return body.get("message", body.get("Message", ""))


def assert_protocol_headers(resp):
    """Every answer, success or error, carries a request id and the CRC32 of its body."""
    rid = resp.header("x-amzn-RequestId")
    assert rid, f"no x-amzn-RequestId header: {dict(resp.headers)}"
    crc = resp.header("x-amz-crc32")
    assert crc is not None, f"no x-amz-crc32 header: {dict(resp.headers)}"
    assert int(crc) == zlib.crc32(resp.body), f"x-amz-crc32 {crc} != crc32(body) {zlib.crc32(resp.body)}"
    ctype = resp.header("Content-Type") or ""
    assert ctype.startswith("application/x-amz-json-1.0"), ctype


def test_success_headers(raw):
    r = raw("DynamoDB_20120810.ListTables", {})
    assert r.status == 200, r
    assert isinstance(r.json()["TableNames"], list)
    assert_protocol_headers(r)


def test_request_ids_are_unique(raw):
    ids = {raw("DynamoDB_20120810.ListTables", {}).header("x-amzn-RequestId") for _ in range(5)}
    assert len(ids) == 5


def test_error_headers_and_crc(raw):
    name = unique_name("missing")
    r = raw("DynamoDB_20120810.DescribeTable", {"TableName": name})
    assert r.status == 400, r
    assert_protocol_headers(r)
    assert error_type(r) == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert error_message(r) == f"Requested resource not found: Table: {name} not found"


def test_malformed_json(raw):
    r = raw("DynamoDB_20120810.ListTables", b'{"Limit": 1,')
    assert r.status == 400, r
    assert error_type(r) == SERIALIZATION
    assert_protocol_headers(r)


@pytest.mark.parametrize("body", [b"not json at all", b"[1, 2, 3]", b'"a string"', b"\xff\xfe\x00"])
def test_non_object_bodies(raw, body):
    r = raw("DynamoDB_20120810.DescribeTable", body)
    assert 400 <= r.status < 500, r
    assert error_type(r) == SERIALIZATION, r


@pytest.mark.parametrize("value", [5, ["x"], {"a": 1}, True])
def test_wrong_json_type_for_member(raw, value):
    r = raw("DynamoDB_20120810.DescribeTable", {"TableName": value})
    assert r.status == 400, r
    assert error_type(r) == SERIALIZATION, r


def test_unknown_fields_are_ignored(raw):
    r = raw("DynamoDB_20120810.ListTables", {"SomeFutureParameter": {"x": 1}})
    assert r.status == 200, r


def test_unknown_operation(raw):
    r = raw("DynamoDB_20120810.Frobnicate", {})
    assert r.status == 400, r
    assert error_type(r) == UNKNOWN_OP
    assert_protocol_headers(r)


def test_garbage_target(raw):
    r = raw("NotAService.ListTables", {})
    assert 400 <= r.status < 500, r
    assert error_type(r) == UNKNOWN_OP


def test_missing_target(raw):
    r = raw(None, {})
    assert 400 <= r.status < 500, r


def test_known_but_unimplemented_operation(raw, make_table):
    table = make_table()
    r = raw("DynamoDB_20120810.CreateBackup", {"TableName": table, "BackupName": "b1"})
    assert r.status != 500 and r.status < 500, r
    if r.status == 200:
        assert "BackupDetails" in r.json()
    else:
        assert 400 <= r.status < 500
        assert "CreateBackup" in error_message(r) or "CreateBackup" in error_type(r), r


def test_streams_target_is_not_a_500(raw):
    r = raw("DynamoDBStreams_20120810.ListStreams", {})
    assert r.status < 500, r


def test_missing_authentication(raw):
    r = raw("DynamoDB_20120810.ListTables", {}, auth=False)
    assert r.status in (400, 403), r
    assert error_type(r).endswith("MissingAuthenticationTokenException"), r


def test_malformed_authorization(raw):
    r = raw("DynamoDB_20120810.ListTables", {}, auth=False, extra_headers={"Authorization": "garbage"})
    assert 400 <= r.status < 500, r


def test_huge_body_refused_quickly(server):
    """A 20 MB request is answered with a 4xx without the server choking on it."""
    host, port = server.addr.rsplit(":", 1)
    size = 20 * 1024 * 1024
    prefix = b'{"TableName":"huge","Item":{"pk":{"S":"'
    suffix = b'"}}}'
    filler = size - len(prefix) - len(suffix)
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    start = time.monotonic()
    conn.putrequest("POST", "/", skip_accept_encoding=True)
    conn.putheader("Content-Type", "application/x-amz-json-1.0")
    conn.putheader("X-Amz-Target", "DynamoDB_20120810.PutItem")
    conn.putheader("X-Amz-Date", "20260101T000000Z")
    conn.putheader("Authorization", FAKE_AUTH)
    conn.putheader("Content-Length", str(size))
    conn.endheaders()
    hung_up_early = False
    try:
        conn.send(prefix)
        chunk = b"a" * 65536
        left = filler
        while left > 0:
            n = min(left, len(chunk))
            conn.send(chunk[:n])
            left -= n
        conn.send(suffix)
    except (BrokenPipeError, ConnectionResetError):
        hung_up_early = True  # the server refused before reading it all
    status = None
    try:
        resp = conn.getresponse()
        status = resp.status
        resp.read()
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
        pass
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    assert elapsed < 10, f"took {elapsed:.1f}s"
    if status is None:
        # The only acceptable way to get no status: the server hung up mid-upload (its 4xx lost to
        # the TCP reset). A server that read it all must answer.
        assert hung_up_early, "no response to a 20 MB request"
    else:
        assert 400 <= status < 500, f"status {status} for a 20 MB body"


def test_many_bad_requests_then_still_serving(raw, ddb, make_table):
    for body in (b"{", b"}", b"", b"null", b"{\"TableName\": null}"):
        r = raw("DynamoDB_20120810.GetItem", body)
        assert 400 <= r.status < 500, (body, r)
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "alive"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "alive"}})["Item"] == {"pk": {"S": "alive"}}


def test_zz_server_still_serves(server, ddb):
    """Runs last in this module: after all the abuse above, the server still answers."""
    assert server.alive(), "server died:\n" + server.log_tail()
    assert "TableNames" in ddb.list_tables()
    assert json.loads(json.dumps(ddb.describe_limits(), default=str))
