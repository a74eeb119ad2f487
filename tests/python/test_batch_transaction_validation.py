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
    # The two operations answer an empty map differently (BatchGetItem moved to the newer
    # wording in 2026-09, BatchWriteItem had not in nearly every region).
    assert refused(lambda: ddb_raw.batch_write_item(RequestItems={})) \
        == "The requestItems parameter is required for BatchWriteItem"
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


def test_transact_write_members_are_reported_together_before_anything_else(ddb_raw, table):
    def write(items, **kw):
        return lambda: ddb_raw.transact_write_items(TransactItems=items, **kw)

    def put(pk, table_name=table):
        return {"Put": {"TableName": table_name, "Item": key(pk)}}

    assert refused(write([put("t1")], ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert refused(write([put("t2")], ReturnItemCollectionMetrics="BOGUS2")) == one(RICM)
    assert refused(write([put("t3")], ReturnConsumedCapacity="BOGUS", ReturnItemCollectionMetrics="BOGUS2")) \
        == f"2 validation errors detected: {RCC}; {RICM}"
    assert refused(write([put("a", "no_such_table_tv")], ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert refused(write([put("dup"), {"Delete": {"TableName": table, "Key": key("dup")}}],
                         ReturnConsumedCapacity="BOGUS")) == one(RCC)
    token = "x" * 37
    token_error = (f"Value '{token}' at 'clientRequestToken' failed to satisfy constraint: "
                   "Member must have length less than or equal to 36")
    assert refused(write([put("tok")], ClientRequestToken=token)) == one(token_error)
    assert refused(write([put("tok")], ClientRequestToken=token, ReturnConsumedCapacity="BOGUS")) \
        == f"2 validation errors detected: {token_error}; {RCC}"
    assert_absent(ddb_raw, table, "t1", "t2", "t3", "dup", "tok")


def test_transact_write_checks_every_action_before_looking_up_tables(ddb_raw, table):
    def write(*items):
        return lambda: ddb_raw.transact_write_items(TransactItems=list(items))

    missing = {"Put": {"TableName": "no_such_table_tv", "Item": key("a")}}
    malformed = {"ConditionCheck": {"TableName": table, "Key": key("cc"),
                                    "ConditionExpression": "attribute_not_exists("}}
    syntax = 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("'
    assert refused(write(missing, malformed)) == syntax

    deep = {"S": "leaf"}
    for _ in range(32):
        deep = {"M": {"n": deep}}
    too_deep = {"Put": {"TableName": table, "Item": {**key("deep"), "data": deep}}}
    nesting = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested "
               "levels beyond supported limit")
    assert refused(write(malformed, too_deep)) == syntax
    assert refused(write(too_deep, malformed)) == nesting

    unused = {"ConditionCheck": {"TableName": table, "Key": key("cc"),
                                 "ConditionExpression": "attribute_not_exists(pk)",
                                 "ExpressionAttributeValues": {":v": {"S": "x"}}}}
    unused_error = "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"
    assert refused(write(missing, unused)) == unused_error
    assert refused(write(unused, missing)) == unused_error
    # Ahead of the duplicate target too (both actions name item "cc").
    assert refused(write({"Put": {"TableName": table, "Item": key("cc")}}, unused)) == unused_error
    assert_absent(ddb_raw, table, "cc", "deep")


@pytest.mark.parametrize("action, reason", [
    ({"Put": {"Item": {"pk": {"N": "5"}}}},
     "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ({"Put": {"Item": {"pk": {"L": [{"S": "x"}]}}}},
     "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: L"),
    ({"Update": {"Key": {"pk": {"N": "5"}}, "UpdateExpression": "SET a = :v",
                 "ExpressionAttributeValues": {":v": {"S": "x"}}}}, SCHEMA_MISMATCH),
    ({"Delete": {"Key": {"pk": {"L": [{"S": "x"}]}}}}, SCHEMA_MISMATCH),
    ({"ConditionCheck": {"Key": {"pk": {"N": "5"}}, "ConditionExpression": "attribute_not_exists(pk)"}},
     SCHEMA_MISMATCH),
])
def test_transact_write_key_of_the_wrong_shape_cancels(ddb_raw, table, action, reason):
    (kind, body), = action.items()
    with pytest.raises(ClientError) as e:
        ddb_raw.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": key("fine")}},
            {kind: {"TableName": table, **body}},
        ])
    assert_error(e, "TransactionCanceledException", f"{CANCELLED} [None, ValidationError]")
    assert e.value.response["CancellationReasons"] == [
        {"Code": "None"}, {"Code": "ValidationError", "Message": reason}]
    assert_absent(ddb_raw, table, "fine")


@pytest.mark.parametrize("action", [
    {"Put": {"Item": {"pk": {"S": ""}}}},
    {"Update": {"Key": {"pk": {"S": ""}}, "UpdateExpression": "SET a = :v",
                "ExpressionAttributeValues": {":v": {"S": "x"}}}},
    {"Delete": {"Key": {"pk": {"S": ""}}}},
    {"ConditionCheck": {"Key": {"pk": {"S": ""}}, "ConditionExpression": "attribute_not_exists(pk)"}},
])
def test_transact_write_empty_key_value_is_refused(ddb_raw, table, action):
    (kind, body), = action.items()
    assert refused(lambda: ddb_raw.transact_write_items(
        TransactItems=[{kind: {"TableName": table, **body}}])) == EMPTY_KEY


def test_transact_get_validation_order_and_key_shape(ddb_raw, table):
    def read(*gets, **kw):
        return lambda: ddb_raw.transact_get_items(TransactItems=[{"Get": g} for g in gets], **kw)

    here = {"TableName": table, "Key": key("a")}
    assert refused(read(here, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    assert refused(read({"TableName": "no_such_table_tv", "Key": key("a")}, ReturnConsumedCapacity="BOGUS")) \
        == one(RCC)
    assert refused(read(here, here, ReturnConsumedCapacity="BOGUS")) == one(RCC)
    # The same item twice is refused (recorded from DynamoDB without its words; these are
    # TransactWriteItems').
    assert refused(read(here, here)) == "Transaction request cannot include multiple operations on one item"
    assert refused(read({"TableName": table, "Key": key("a"), "ProjectionExpression": "!!!"})) \
        == 'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"'
    with pytest.raises(ClientError) as e:
        read({"TableName": table, "Key": {}})()
    assert_error(e, "TransactionCanceledException", f"{CANCELLED} [ValidationError]")
    assert e.value.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": SCHEMA_MISMATCH}]


NESTING = ("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
           "beyond supported limit")


def nested(depth: int) -> dict:
    value = {"S": "leaf"}
    for _ in range(depth):
        value = {"M": {"n": value}}
    return value


def test_an_empty_attribute_name_is_refused_on_every_put_surface(ddb_raw, table):
    item = {**key("named"), "": {"S": "x"}}
    assert refused(lambda: ddb_raw.put_item(TableName=table, Item=item)) == "Empty attribute name"
    assert refused(lambda: ddb_raw.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]})) \
        == "Empty attribute name"
    assert refused(lambda: ddb_raw.transact_write_items(
        TransactItems=[{"Put": {"TableName": table, "Item": item}}])) == "Empty attribute name"
    assert_absent(ddb_raw, table, "named")


def test_transact_write_reports_the_first_action_s_problem(ddb_raw, table):
    """Actions are checked one at a time in request order, before any table is looked up; a
    later action's problem never beats an earlier one's (DynamoDB, ten regions, 2026-10)."""
    absent = "no_such_table_deep"

    def write(*items):
        return lambda: ddb_raw.transact_write_items(TransactItems=list(items))

    deep_item = {"Put": {"TableName": absent, "Item": {**key("b"), "d": nested(40)}}}
    empty_name = {"Put": {"TableName": absent, "Item": {**key("a"), "": {"S": "x"}}}}
    assert refused(write(deep_item, empty_name)) == NESTING
    assert refused(write(empty_name, deep_item)) == "Empty attribute name"
    # A Key value nested too deep is refused before a later action's expressions are read.
    deep_key = {"Delete": {"TableName": absent, "Key": {"pk": nested(40)}}}
    bad_condition = {"Put": {"TableName": absent, "Item": key("a"), "ConditionExpression": "a = = b"}}
    assert refused(write(deep_key, bad_condition)) == NESTING
    unused = {"Update": {"TableName": absent, "Key": key("a"), "UpdateExpression": "SET a = :v",
                         "ExpressionAttributeValues": {":v": {"S": "x"}, ":u": {"S": "y"}}}}
    deep_check = {"ConditionCheck": {"TableName": absent, "Key": {"pk": nested(40)},
                                     "ConditionExpression": "attribute_exists(a)"}}
    assert refused(write(deep_check, unused)) == NESTING
    assert refused(write(unused, deep_check)) \
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}"


def test_requests_nested_past_the_json_parser_s_default_limit(ddb_raw, raw, table):
    """A value nested 100 levels is past serde_json's default limit of 128 JSON levels;
    DynamoDB still reads the request and reports its first problem in request order."""
    absent = "no_such_table_deep"

    def write(*items):
        return lambda: ddb_raw.transact_write_items(TransactItems=list(items))

    empty_name = {"Put": {"TableName": absent, "Item": {**key("a"), "": {"S": "x"}}}}
    deep_item = {"Put": {"TableName": absent, "Item": {**key("b"), "d": nested(100)}}}
    assert refused(write(empty_name, deep_item)) == "Empty attribute name"
    assert refused(write({"Put": {"TableName": absent, "Item": {**key("a"), "d": nested(100), "": {"S": "x"}}}})) \
        == "Empty attribute name"
    bad_condition = {"Put": {"TableName": absent, "Item": key("a"), "ConditionExpression": "a = = b"}}
    deep_key = {"Delete": {"TableName": absent, "Key": {"pk": nested(100)}}}
    assert refused(write(bad_condition, deep_key)) == 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"'
    # Alone, a value that deep is too deep, here as anywhere; so is one past the parser's cap.
    # (Sent raw: botocore's serializer recurses too deep for Python at 300 levels.)
    for depth in (100, 300):
        response = raw("DynamoDB_20120810.PutItem",
                       {"TableName": table, "Item": {**key("deep"), "d": nested(depth)}})
        assert response.status == 400, response
        assert response.json()["message"] == NESTING, response
    # A body of objects half a million deep is refused as too deep without being parsed.
    depth = 500_000
    response = raw("DynamoDB_20120810.PutItem",
                   b'{"TableName":"' + table.encode() + b'","Item":' + b'{"a":' * depth + b"1" + b"}" * (depth + 1))
    assert response.status == 400, response
    assert response.json()["__type"].endswith("ValidationException"), response
    assert_absent(ddb_raw, table, "deep")
