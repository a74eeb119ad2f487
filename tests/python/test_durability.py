"""Process lifecycle: graceful shutdown on SIGTERM/SIGINT, data surviving restarts."""

from __future__ import annotations

import signal
import time

import pytest

from gannet_e2e import GannetServer

HASH_ONLY = dict(
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    BillingMode="PAY_PER_REQUEST",
)


def write_items(client, table, prefix, n):
    for i in range(n):
        client.put_item(
            TableName=table,
            Item={"pk": {"S": f"{prefix}{i}"}, "n": {"N": str(i)}, "b": {"B": bytes([i % 256]) * 3}},
        )


def check_items(client, table, prefix, n):
    for i in range(n):
        got = client.get_item(TableName=table, Key={"pk": {"S": f"{prefix}{i}"}}, ConsistentRead=True)
        assert got.get("Item") == {
            "pk": {"S": f"{prefix}{i}"},
            "n": {"N": str(i)},
            "b": {"B": bytes([i % 256]) * 3},
        }, f"item {prefix}{i} lost or changed"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_graceful_shutdown_and_restart(tmp_path, sig):
    data = tmp_path / "data"
    srv = GannetServer(data_dir=data).start()
    try:
        client = srv.client()
        client.create_table(TableName="durable", Tags=[{"Key": "k", "Value": "v"}], **HASH_ONLY)
        before = client.describe_table(TableName="durable")["Table"]
        write_items(client, "durable", "a", 50)
        client.delete_item(TableName="durable", Key={"pk": {"S": "a0"}})
        start = time.monotonic()
        rc = srv.stop(sig, timeout=30)
        elapsed = time.monotonic() - start
    finally:
        srv.kill()
    assert rc == 0, f"exit code {rc} after {sig!r}; stderr tail:\n{srv.log_tail()}"
    assert elapsed < 5, f"shutdown took {elapsed:.1f}s"

    srv2 = GannetServer(data_dir=data).start()
    try:
        client = srv2.client()
        after = client.describe_table(TableName="durable")["Table"]
        assert after["TableStatus"] == "ACTIVE"
        for key in ("TableId", "TableArn", "CreationDateTime", "KeySchema", "AttributeDefinitions"):
            assert after[key] == before[key], key
        assert after["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        tags = client.list_tags_of_resource(ResourceArn=after["TableArn"])["Tags"]
        assert tags == [{"Key": "k", "Value": "v"}]
        assert "Item" not in client.get_item(TableName="durable", Key={"pk": {"S": "a0"}}, ConsistentRead=True)
        for i in range(1, 50):
            got = client.get_item(TableName="durable", Key={"pk": {"S": f"a{i}"}}, ConsistentRead=True)
            assert got["Item"]["n"] == {"N": str(i)}, f"a{i}"
        assert client.list_tables()["TableNames"] == ["durable"]
        assert srv2.stop(signal.SIGTERM, timeout=30) == 0
    finally:
        srv2.kill()


def test_buffered_durability_flushes_on_sigterm(tmp_path):
    data = tmp_path / "data"
    srv = GannetServer(data_dir=data, extra_args=["--durability", "buffered"]).start()
    try:
        client = srv.client()
        client.create_table(TableName="buffered", **HASH_ONLY)
        write_items(client, "buffered", "b", 100)
        assert srv.stop(signal.SIGTERM, timeout=30) == 0
    finally:
        srv.kill()
    srv2 = GannetServer(data_dir=data).start()
    try:
        check_items(srv2.client(), "buffered", "b", 100)
    finally:
        srv2.kill()


def test_deleted_table_stays_deleted_after_restart(tmp_path):
    data = tmp_path / "data"
    srv = GannetServer(data_dir=data).start()
    try:
        client = srv.client()
        client.create_table(TableName="gone", **HASH_ONLY)
        client.create_table(TableName="kept", **HASH_ONLY)
        write_items(client, "gone", "g", 10)
        client.delete_table(TableName="gone")
        client.create_table(TableName="gone", **HASH_ONLY)  # same name, new (empty) table
        assert srv.stop(signal.SIGTERM, timeout=30) == 0
    finally:
        srv.kill()
    srv2 = GannetServer(data_dir=data).start()
    try:
        client = srv2.client()
        assert client.list_tables()["TableNames"] == ["gone", "kept"]
        for i in range(10):
            assert "Item" not in client.get_item(TableName="gone", Key={"pk": {"S": f"g{i}"}}, ConsistentRead=True)
    finally:
        srv2.kill()


def test_in_memory_starts_empty(tmp_path):
    srv = GannetServer(in_memory=True).start()
    try:
        client = srv.client()
        client.create_table(TableName="mem", **HASH_ONLY)
        write_items(client, "mem", "m", 5)
        check_items(client, "mem", "m", 5)
        assert srv.stop(signal.SIGTERM, timeout=30) == 0
    finally:
        srv.kill()
    srv2 = GannetServer(in_memory=True).start()
    try:
        assert srv2.client().list_tables()["TableNames"] == []
    finally:
        srv2.kill()


def test_client_request_token_replays_after_kill_9(tmp_path):
    """boto3 retries a TransactWriteItems with its ClientRequestToken; after a crash the
    retry must be answered as a replay, not applied a second time."""
    data = tmp_path / "data"
    add_one = [
        {
            "Update": {
                "TableName": "tokens",
                "Key": {"pk": {"S": "counter"}},
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    ]
    srv = GannetServer(data_dir=data).start()
    try:
        client = srv.client()
        client.create_table(TableName="tokens", **HASH_ONLY)
        client.transact_write_items(TransactItems=add_one, ClientRequestToken="retry-me")
    finally:
        srv.kill()  # SIGKILL: nothing gets flushed on the way out

    srv2 = GannetServer(data_dir=data).start()
    try:
        client = srv2.client()
        client.transact_write_items(TransactItems=add_one, ClientRequestToken="retry-me")
        got = client.get_item(TableName="tokens", Key={"pk": {"S": "counter"}}, ConsistentRead=True)
        assert got["Item"]["n"] == {"N": "1"}, "the retried transaction was applied twice"
        other = [{"Update": dict(add_one[0]["Update"], Key={"pk": {"S": "other"}})}]
        with pytest.raises(client.exceptions.IdempotentParameterMismatchException):
            client.transact_write_items(TransactItems=other, ClientRequestToken="retry-me")
    finally:
        srv2.kill()
