"""Which error batch and transaction requests get when something is wrong, and its exact words.

The expected answers are DynamoDB's own, as recorded from it (us-east-1 and eu-west-2,
2026-10) by a public conformance suite: which failure wins when a request has several, how
member constraints are combined into one message, and which key problems cancel a
transaction (a `ValidationError` reason) instead of refusing the request."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import assert_error

RCC = ("Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: "
       "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]")
RICM = ("Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy constraint: "
        "Member must satisfy enum value set: [SIZE, NONE]")
NAME_CONSTRAINT = ("failed to satisfy constraint: Map keys must satisfy constraint: [Member must have "
                   "length less than or equal to 255, Member must have length greater than or equal "
                   "to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]")
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"
SCHEMA_MISMATCH = "The provided key element does not match the schema"
EMPTY_KEY = ("One or more parameter values are not valid. The AttributeValue for a key attribute "
             "cannot contain an empty string value. Key: pk")


def one(message: str) -> str:
    return f"1 validation error detected: {message}"


def key(pk: str) -> dict:
    return {"pk": {"S": pk}}


def refused(call) -> str:
    with pytest.raises(ClientError) as e:
        call()
    assert_error(e, "ValidationException")
    return e.value.response["Error"]["Message"]


def assert_absent(ddb, table, *pks):
    for pk in pks:
        assert "Item" not in ddb.get_item(TableName=table, Key=key(pk), ConsistentRead=True), pk


def test_batch_write_enums_are_reported_first_and_together(ddb_raw, table):
    def write(items, **kw):
        return lambda: ddb_raw.batch_write_item(RequestItems=items, **kw)

    put = {table: [{"PutRequest": {"Item": key("e1")}}]}
    assert refused(write(put, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert refused(write(put, ReturnItemCollectionMetrics="BOGUS2")) == one(RICM)
    assert refused(write(put, ReturnConsumedCapacity="BOGUS", ReturnItemCollectionMetrics="BOGUS2")) \
        == f"2 validation errors detected: {RCC}; {RICM}"
    missing = {"no_such_table_bv": [{"PutRequest": {"Item": key("a")}}]}
    assert refused(write(missing, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    # BatchWriteItem gives way to the enum: the malformed table name is not reported with it.
    bad_name = {"bad!name": [{"PutRequest": {"Item": key("a")}}]}
    assert refused(write(bad_name, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert_absent(ddb_raw, table, "e1")


def test_batch_get_reports_table_names_and_enum_together(ddb_raw, table):
    def read(items, **kw):
        return lambda: ddb_raw.batch_get_item(RequestItems=items, **kw)

    assert refused(read({table: {"Keys": [key("a")]}}, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert refused(read({"no_such_table_bv": {"Keys": [key("a")]}}, ReturnConsumedCapacity="BOGUS")) \
        == one(RCC)
    echo = '{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}'
    assert refused(read({"bad!name": {"Keys": [key("a")]}})) \
        == one(f"Value '{echo}' at 'requestItems' {NAME_CONSTRAINT}")
    assert refused(read({"bad!name": {"Keys": [key("a")]}}, ReturnConsumedCapacity="BOGUS")) \
        == f"2 validation errors detected: Value '{echo}' at 'requestItems' {NAME_CONSTRAINT}; {RCC}"


def test_batch_request_items_constraint_wording(ddb_raw, table):
    assert refused(lambda: ddb_raw.batch_write_item(RequestItems={})) \
        == one("Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    assert refused(lambda: ddb_raw.batch_get_item(RequestItems={})) \
        == one("Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
    puts = [{"PutRequest": {"Item": key(f"k{i}")}} for i in range(26)]
    assert refused(lambda: ddb_raw.batch_write_item(RequestItems={table: puts})) == one(
        f"Value at 'RequestItems.{table}.member' failed to satisfy constraint: "
        "Member must have length less than or equal to 25")
    assert refused(lambda: ddb_raw.batch_write_item(RequestItems={table: []})) == one(
        f"Value '{{{table}=[]}}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
        "constraint: [Member must have length less than or equal to 25, Member must have length greater "
        "than or equal to 1]")
    assert refused(lambda: ddb_raw.batch_get_item(RequestItems={table: {"Keys": []}})) == one(
        f"Value at 'RequestItems.{table}.member.Keys' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1")
    keys = [key(f"k{i}") for i in range(101)]
    assert refused(lambda: ddb_raw.batch_get_item(RequestItems={table: {"Keys": keys}})) == one(
        f"Value at 'RequestItems.{table}.member.Keys' failed to satisfy constraint: "
        "Member must have length less than or equal to 100")
    # The write request echo is the Java model's toString; its shape is what DynamoDB keeps.
    message = refused(lambda: ddb_raw.batch_write_item(
        RequestItems={"bad!name": [{"PutRequest": {"Item": key("x")}}]}))
    assert re.fullmatch(
        r"1 validation error detected: Value '\{bad!name=\[WriteRequest\(putRequest=PutRequest\(item=\{pk=.+\}.*\)\]\}'"
        r" at 'requestItems' " + re.escape(NAME_CONSTRAINT), message), message
