"""Batch operations and transactions (issue 6) through boto3: BatchGetItem, BatchWriteItem,
TransactWriteItems, TransactGetItems, ClientRequestToken idempotency, and a short concurrent
transfer load with plain conditional updates racing the transactions."""

from __future__ import annotations

import random
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import assert_error, make_client

NOT_FOUND = "Requested resource not found"
DUPLICATES = "Provided list of item keys contains duplicates"
SAME_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"


def cancelled_message(*codes: str) -> str:
    return f"{CANCELLED} [{', '.join(codes)}]"


def get(ddb, table, key):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def scan_all(ddb, table):
    items, kwargs = [], {"TableName": table, "ConsistentRead": True}
    while True:
        page = ddb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def by_pk(items):
    return sorted(items, key=lambda i: (i["pk"]["S"], i.get("sk", {}).get("N", "")))


def capacity_by_table(response):
    return {c["TableName"]: c["CapacityUnits"] for c in response["ConsumedCapacity"]}


@pytest.fixture
def two_tables(make_table):
    """A hash-only table (`pk` S) and a hash+range table (`pk` S, `sk` N)."""
    return make_table(), make_table(range_key=("sk", "N"))


# --- BatchGetItem ------------------------------------------------------------------------------


def test_batch_get_several_tables_projection_consistent_read_and_missing_items(ddb, two_tables):
    plain, ranged = two_tables
    for i in range(3):
        ddb.put_item(
            TableName=plain,
            Item={"pk": {"S": f"p{i}"}, "a": {"N": str(i)}, "b": {"S": "x" * 10}, "c": {"BOOL": True}},
        )
        ddb.put_item(
            TableName=ranged,
            Item={"pk": {"S": "h"}, "sk": {"N": str(i)}, "data": {"S": f"d{i}"}, "other": {"N": "7"}},
        )
    resp = ddb.batch_get_item(
        RequestItems={
            plain: {
                "Keys": [{"pk": {"S": "p0"}}, {"pk": {"S": "p2"}}, {"pk": {"S": "nope"}}],
                "ProjectionExpression": "pk, #a",
                "ExpressionAttributeNames": {"#a": "a"},
                "ConsistentRead": True,
            },
            ranged: {
                "Keys": [
                    {"pk": {"S": "h"}, "sk": {"N": "1"}},
                    {"pk": {"S": "h"}, "sk": {"N": "99"}},
                    {"pk": {"S": "missing"}, "sk": {"N": "1"}},
                ],
                "ProjectionExpression": "sk, #d",
                "ExpressionAttributeNames": {"#d": "data"},
            },
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert resp["UnprocessedKeys"] == {}
    assert by_pk(resp["Responses"][plain]) == [
        {"pk": {"S": "p0"}, "a": {"N": "0"}},
        {"pk": {"S": "p2"}, "a": {"N": "2"}},
    ]
    assert resp["Responses"][ranged] == [{"sk": {"N": "1"}, "data": {"S": "d1"}}]
    # Consistent reads cost a unit per item read, eventually consistent ones half of that.
    assert capacity_by_table(resp) == {plain: 3.0, ranged: 1.5}

    # A table whose keys are all missing is still listed, with no items.
    resp = ddb.batch_get_item(RequestItems={plain: {"Keys": [{"pk": {"S": "nope"}}]}})
    assert resp["Responses"] == {plain: []}
    assert resp["UnprocessedKeys"] == {}


def test_batch_get_attributes_to_get(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "a": {"N": "1"}, "b": {"N": "2"}})
    resp = ddb.batch_get_item(
        RequestItems={table: {"Keys": [{"pk": {"S": "k"}}], "AttributesToGet": ["b"]}}
    )
    assert resp["Responses"][table] == [{"b": {"N": "2"}}]


def test_batch_get_duplicate_keys(ddb, two_tables):
    plain, ranged = two_tables
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(
            RequestItems={plain: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}, {"pk": {"S": "a"}}]}}
        )
    assert_error(e, "ValidationException", DUPLICATES)
    # The same hash key with different range keys is not a duplicate; the same pair is.
    ddb.batch_get_item(
        RequestItems={ranged: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}, {"pk": {"S": "a"}, "sk": {"N": "2"}}]}}
    )
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(
            RequestItems={
                ranged: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}, {"pk": {"S": "a"}, "sk": {"N": "1.0"}}]}
            }
        )
    assert_error(e, "ValidationException", DUPLICATES)


def test_batch_get_more_than_100_keys(ddb, ddb_raw, two_tables):
    plain, ranged = two_tables
    keys = [{"pk": {"S": f"k{i}"}} for i in range(101)]
    with pytest.raises(ClientError) as e:
        ddb_raw.batch_get_item(RequestItems={plain: {"Keys": keys}})
    assert_error(e, "ValidationException", contains="Member must have length less than or equal to 100")
    # 100 keys in one table are fine.
    resp = ddb.batch_get_item(RequestItems={plain: {"Keys": keys[:100]}})
    assert resp["Responses"][plain] == []
    # Over 100 in total across tables.
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(
            RequestItems={
                plain: {"Keys": keys[:60]},
                ranged: {"Keys": [{"pk": {"S": "h"}, "sk": {"N": str(i)}} for i in range(41)]},
            }
        )
    assert_error(e, "ValidationException", "Too many items requested for the BatchGetItem call")


def test_batch_get_missing_table(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(
            RequestItems={
                table: {"Keys": [{"pk": {"S": "a"}}]},
                "no_such_table_bt": {"Keys": [{"pk": {"S": "a"}}]},
            }
        )
    assert_error(e, "ResourceNotFoundException", NOT_FOUND)


def test_batch_get_wrong_key_shape(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(RequestItems={table: {"Keys": [{"other": {"S": "a"}}]}})
    assert_error(e, "ValidationException", "The provided key element does not match the schema")


# --- BatchWriteItem ----------------------------------------------------------------------------


def test_batch_write_of_plain_items_reports_capacity(ddb, two_tables):
    """Puts and deletes of S and N attributes: the shape Gannet writes without building items."""
    plain, ranged = two_tables
    big = "x" * 1500
    resp = ddb.batch_write_item(
        RequestItems={
            plain: [
                {"PutRequest": {"Item": {"pk": {"S": "a"}, "v": {"N": "1.50"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "big": {"S": big}}}},
            ],
            ranged: [{"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": "-7"}}}}],
        },
        ReturnConsumedCapacity="TOTAL",
        ReturnItemCollectionMetrics="SIZE",
    )
    assert resp["UnprocessedItems"] == {}
    # One unit per started KB written: the 1.5 KB item costs two.
    assert capacity_by_table(resp) == {plain: 3.0, ranged: 1.0}
    assert by_pk(scan_all(ddb, plain)) == [
        {"pk": {"S": "a"}, "v": {"N": "1.5"}},
        {"pk": {"S": "b"}, "big": {"S": big}},
    ]
    assert scan_all(ddb, ranged) == [{"pk": {"S": "h"}, "sk": {"N": "-7"}}]
    resp = ddb.batch_write_item(
        RequestItems={
            plain: [
                {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "c"}}}},
            ],
            ranged: [{"DeleteRequest": {"Key": {"pk": {"S": "h"}, "sk": {"N": "-7.0"}}}}],
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert resp["UnprocessedItems"] == {}
    assert capacity_by_table(resp) == {plain: 2.0, ranged: 1.0}
    assert {i["pk"]["S"] for i in scan_all(ddb, plain)} == {"b", "c"}
    assert scan_all(ddb, ranged) == []
    # A key with more than the key attributes is refused, and nothing of the batch is written.
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                plain: [
                    {"PutRequest": {"Item": {"pk": {"S": "d"}}}},
                    {"DeleteRequest": {"Key": {"pk": {"S": "b"}, "v": {"N": "1"}}}},
                ]
            }
        )
    assert_error(e, "ValidationException", "The provided key element does not match the schema")
    assert {i["pk"]["S"] for i in scan_all(ddb, plain)} == {"b", "c"}
    # An unknown ReturnConsumedCapacity is still refused as DynamoDB refuses it.
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={plain: [{"PutRequest": {"Item": {"pk": {"S": "c"}}}}]},
            ReturnConsumedCapacity="ALL",
        )
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "returnConsumedCapacity" in e.value.response["Error"]["Message"]
    assert {i["pk"]["S"] for i in scan_all(ddb, plain)} == {"b", "c"}


def test_batch_write_of_bool_and_null_attributes(ddb, two_tables):
    """BOOL and NULL beside S and N: still the plain shape, and read back as written."""
    plain, ranged = two_tables
    resp = ddb.batch_write_item(
        RequestItems={
            plain: [
                {"PutRequest": {"Item": {"pk": {"S": "t"}, "on": {"BOOL": True}, "gone": {"NULL": True}}}},
                {"PutRequest": {"Item": {"pk": {"S": "f"}, "on": {"BOOL": False}, "n": {"N": "2"}}}},
            ]
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert resp["UnprocessedItems"] == {}
    assert capacity_by_table(resp) == {plain: 2.0}
    assert by_pk(scan_all(ddb, plain)) == [
        {"pk": {"S": "f"}, "on": {"BOOL": False}, "n": {"N": "2"}},
        {"pk": {"S": "t"}, "on": {"BOOL": True}, "gone": {"NULL": True}},
    ]
    # NULL false, and a BOOL where the key must be a string, are refused with nothing written.
    refused = [
        ({"pk": {"S": "x"}, "gone": {"NULL": False}}, "Null attribute value types must have the value of true"),
        ({"pk": {"BOOL": True}}, KEY_MISMATCH),
    ]
    for item, message in refused:
        with pytest.raises(ClientError) as e:
            ddb.batch_write_item(
                RequestItems={
                    plain: [{"PutRequest": {"Item": {"pk": {"S": "y"}}}}, {"PutRequest": {"Item": item}}]
                }
            )
        assert_error(e, "ValidationException", contains=message)
    assert {i["pk"]["S"] for i in scan_all(ddb, plain)} == {"f", "t"}


def test_batch_write_puts_and_deletes_across_tables(ddb, two_tables):
    plain, ranged = two_tables
    ddb.put_item(TableName=plain, Item={"pk": {"S": "old"}, "v": {"N": "1"}})
    ddb.put_item(TableName=ranged, Item={"pk": {"S": "h"}, "sk": {"N": "9"}})
    resp = ddb.batch_write_item(
        RequestItems={
            plain: [
                {"PutRequest": {"Item": {"pk": {"S": "a"}, "v": {"N": "1"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "v": {"L": [{"S": "x"}]}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "never-existed"}}}},
            ],
            ranged: [
                {"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": "1"}, "x": {"S": "one"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": "2"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "h"}, "sk": {"N": "9"}}}},
            ],
        },
        ReturnConsumedCapacity="TOTAL",
        ReturnItemCollectionMetrics="SIZE",
    )
    assert resp["UnprocessedItems"] == {}
    # One unit per small put or delete.
    assert capacity_by_table(resp) == {plain: 4.0, ranged: 3.0}
    assert by_pk(scan_all(ddb, plain)) == [
        {"pk": {"S": "a"}, "v": {"N": "1"}},
        {"pk": {"S": "b"}, "v": {"L": [{"S": "x"}]}},
    ]
    assert by_pk(scan_all(ddb, ranged)) == [
        {"pk": {"S": "h"}, "sk": {"N": "1"}, "x": {"S": "one"}},
        {"pk": {"S": "h"}, "sk": {"N": "2"}},
    ]
    # Overwrite: a put replaces the whole item.
    ddb.batch_write_item(RequestItems={plain: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
    assert get(ddb, plain, {"pk": {"S": "a"}}) == {"pk": {"S": "a"}}


def test_batch_write_without_consumed_capacity(ddb, table):
    resp = ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}]})
    assert resp["UnprocessedItems"] == {}
    assert "ConsumedCapacity" not in resp


def assert_nothing_written(ddb, *tables):
    for t in tables:
        assert scan_all(ddb, t) == [], f"{t}: a rejected batch wrote something"


def test_batch_write_duplicate_keys_writes_nothing(ddb, two_tables):
    plain, ranged = two_tables
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                plain: [{"PutRequest": {"Item": {"pk": {"S": "ok"}}}}],
                ranged: [
                    {"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": "1"}}}},
                    {"DeleteRequest": {"Key": {"pk": {"S": "h"}, "sk": {"N": "1"}}}},
                ],
            }
        )
    assert_error(e, "ValidationException", DUPLICATES)
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                plain: [
                    {"PutRequest": {"Item": {"pk": {"S": "x"}, "v": {"N": "1"}}}},
                    {"PutRequest": {"Item": {"pk": {"S": "x"}, "v": {"N": "2"}}}},
                ]
            }
        )
    assert_error(e, "ValidationException", DUPLICATES)
    assert_nothing_written(ddb, plain, ranged)


def test_batch_write_more_than_25_requests(ddb, ddb_raw, two_tables):
    plain, ranged = two_tables
    puts = [{"PutRequest": {"Item": {"pk": {"S": f"k{i}"}}}} for i in range(26)]
    with pytest.raises(ClientError) as e:
        ddb_raw.batch_write_item(RequestItems={plain: puts})
    assert_error(e, "ValidationException", contains="Member must have length less than or equal to 25")
    # 13 + 13 over two tables: each list is short enough, the request is not.
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                plain: puts[:13],
                ranged: [{"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": str(i)}}}} for i in range(13)],
            }
        )
    assert_error(e, "ValidationException", "Too many items requested for the BatchWriteItem call")
    assert_nothing_written(ddb, plain, ranged)
    # Exactly 25 is fine.
    ddb.batch_write_item(RequestItems={plain: puts[:25]})
    assert len(scan_all(ddb, plain)) == 25


def test_batch_write_item_too_large_writes_nothing(ddb, two_tables):
    plain, ranged = two_tables
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                ranged: [{"PutRequest": {"Item": {"pk": {"S": "h"}, "sk": {"N": "1"}}}}],
                plain: [
                    {"PutRequest": {"Item": {"pk": {"S": "small"}}}},
                    {"PutRequest": {"Item": {"pk": {"S": "big"}, "blob": {"S": "x" * (400 * 1024)}}}},
                ],
            }
        )
    assert_error(e, "ValidationException", "Item size has exceeded the maximum allowed size")
    assert_nothing_written(ddb, plain, ranged)


def test_batch_write_missing_table_writes_nothing(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}],
                "no_such_table_bt": [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}],
            }
        )
    assert_error(e, "ResourceNotFoundException", NOT_FOUND)
    assert_nothing_written(ddb, table)


KEY_MISMATCH = "The provided key element does not match the schema"


@pytest.mark.parametrize(
    "bad_item",
    [
        {"pk": {"N": "1"}},  # wrong type
        {"other": {"S": "x"}},  # key missing
    ],
)
def test_batch_write_bad_key_writes_nothing(ddb, table, bad_item):
    # PutItem says "Missing the key pk in the item" / "Type mismatch for key pk ..."; a batch
    # reports every key problem as a key that does not match the schema.
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {"pk": {"S": "fine"}}}},
                    {"PutRequest": {"Item": bad_item}},
                ]
            }
        )
    assert_error(e, "ValidationException", KEY_MISMATCH)
    assert_nothing_written(ddb, table)


def table_arn(ddb, table):
    return ddb.describe_table(TableName=table)["Table"]["TableArn"]


def test_batch_write_same_table_by_name_and_arn_is_one_table(ddb, table):
    arn = table_arn(ddb, table)
    with pytest.raises(ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                table: [{"PutRequest": {"Item": {"pk": {"S": "dup"}, "v": {"N": "1"}}}}],
                arn: [{"PutRequest": {"Item": {"pk": {"S": "dup"}, "v": {"N": "2"}}}}],
            }
        )
    assert_error(e, "ValidationException", DUPLICATES)
    assert_nothing_written(ddb, table)
    # Distinct keys under both spellings are fine.
    ddb.batch_write_item(
        RequestItems={
            table: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}],
            arn: [{"PutRequest": {"Item": {"pk": {"S": "b"}}}}],
        }
    )
    assert by_pk(scan_all(ddb, table)) == [{"pk": {"S": "a"}}, {"pk": {"S": "b"}}]


def test_batch_get_same_table_by_name_and_arn_is_one_table(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "g1"}})
    with pytest.raises(ClientError) as e:
        ddb.batch_get_item(
            RequestItems={
                table: {"Keys": [{"pk": {"S": "g1"}}]},
                table_arn(ddb, table): {"Keys": [{"pk": {"S": "g1"}}]},
            }
        )
    assert_error(e, "ValidationException", DUPLICATES)


@pytest.mark.parametrize(
    "operation",
    ["PutItem", "DeleteItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems"],
)
def test_return_item_collection_metrics_must_be_size_or_none(ddb, ddb_raw, table, operation):
    item = {"pk": {"S": "m"}}
    calls = {
        "PutItem": lambda **kw: ddb_raw.put_item(TableName=table, Item=item, **kw),
        "DeleteItem": lambda **kw: ddb_raw.delete_item(TableName=table, Key=item, **kw),
        "UpdateItem": lambda **kw: ddb_raw.update_item(
            TableName=table, Key=item, UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"N": "1"}}, **kw),
        "BatchWriteItem": lambda **kw: ddb_raw.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": item}}]}, **kw),
        "TransactWriteItems": lambda **kw: ddb_raw.transact_write_items(
            TransactItems=[{"Put": {"TableName": table, "Item": item}}], **kw),
    }
    with pytest.raises(ClientError) as e:
        calls[operation](ReturnItemCollectionMetrics="BOGUS")
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value 'BOGUS' at 'returnItemCollectionMetrics' failed to "
        "satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
    )
    assert_nothing_written(ddb, table)
    for value in ("SIZE", "NONE"):
        calls[operation](ReturnItemCollectionMetrics=value)


# --- TransactWriteItems ------------------------------------------------------------------------


def test_transact_write_put_update_delete_condition_check_across_tables(ddb, two_tables):
    plain, ranged = two_tables
    ddb.put_item(TableName=plain, Item={"pk": {"S": "acct"}, "bal": {"N": "100"}})
    ddb.put_item(TableName=plain, Item={"pk": {"S": "gone"}})
    ddb.put_item(TableName=ranged, Item={"pk": {"S": "guard"}, "sk": {"N": "0"}, "open": {"BOOL": True}})
    resp = ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": ranged, "Item": {"pk": {"S": "log"}, "sk": {"N": "1"}, "amt": {"N": "30"}},
                     "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Update": {"TableName": plain, "Key": {"pk": {"S": "acct"}},
                        "UpdateExpression": "SET bal = bal - :amt",
                        "ConditionExpression": "bal >= :amt",
                        "ExpressionAttributeValues": {":amt": {"N": "30"}}}},
            {"Delete": {"TableName": plain, "Key": {"pk": {"S": "gone"}}}},
            {"ConditionCheck": {"TableName": ranged, "Key": {"pk": {"S": "guard"}, "sk": {"N": "0"}},
                                "ConditionExpression": "#o = :t",
                                "ExpressionAttributeNames": {"#o": "open"},
                                "ExpressionAttributeValues": {":t": {"BOOL": True}}}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    # Transactional writes cost two units per item (ConditionCheck included).
    assert capacity_by_table(resp) == {plain: 4.0, ranged: 4.0}
    assert get(ddb, plain, {"pk": {"S": "acct"}}) == {"pk": {"S": "acct"}, "bal": {"N": "70"}}
    assert get(ddb, plain, {"pk": {"S": "gone"}}) is None
    assert get(ddb, ranged, {"pk": {"S": "log"}, "sk": {"N": "1"}}) == {
        "pk": {"S": "log"}, "sk": {"N": "1"}, "amt": {"N": "30"}}
    assert get(ddb, ranged, {"pk": {"S": "guard"}, "sk": {"N": "0"}}) == {
        "pk": {"S": "guard"}, "sk": {"N": "0"}, "open": {"BOOL": True}}
    # An Update of a missing item creates it (no condition), as UpdateItem does.
    ddb.transact_write_items(TransactItems=[
        {"Update": {"TableName": plain, "Key": {"pk": {"S": "new"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
    ])
    assert get(ddb, plain, {"pk": {"S": "new"}}) == {"pk": {"S": "new"}, "n": {"N": "1"}}


def snapshot(ddb, *tables):
    return {t: by_pk(scan_all(ddb, t)) for t in tables}


def test_transact_write_failed_condition_changes_nothing(ddb, two_tables):
    plain, ranged = two_tables
    ddb.put_item(TableName=plain, Item={"pk": {"S": "a"}, "bal": {"N": "10"}})
    ddb.put_item(TableName=plain, Item={"pk": {"S": "b"}, "bal": {"N": "5"}})
    ddb.put_item(TableName=ranged, Item={"pk": {"S": "r"}, "sk": {"N": "1"}, "v": {"S": "keep"}})
    before = snapshot(ddb, plain, ranged)
    items = [
        {"Update": {"TableName": plain, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET bal = bal + :x",
                    "ExpressionAttributeValues": {":x": {"N": "50"}}}},
        {"Update": {"TableName": plain, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET bal = bal - :x",
                    "ConditionExpression": "bal >= :x", "ExpressionAttributeValues": {":x": {"N": "50"}}}},
        {"Put": {"TableName": ranged, "Item": {"pk": {"S": "r"}, "sk": {"N": "2"}}}},
        {"Delete": {"TableName": ranged, "Key": {"pk": {"S": "r"}, "sk": {"N": "1"}}}},
    ]
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=items)
    assert_error(e, "TransactionCanceledException",
                 cancelled_message("None", "ConditionalCheckFailed", "None", "None"))
    reasons = e.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None", "None"]
    assert reasons[1]["Message"] == "The conditional request failed"
    assert "Item" not in reasons[1]
    assert snapshot(ddb, plain, ranged) == before

    # Two failing conditions, with a ConditionCheck among them; the exact AWS message.
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": plain, "Item": {"pk": {"S": "c"}}}},
            {"ConditionCheck": {"TableName": ranged, "Key": {"pk": {"S": "r"}, "sk": {"N": "1"}},
                                "ConditionExpression": "attribute_not_exists(v)"}},
        ])
    assert_error(e, "TransactionCanceledException",
                 "Transaction cancelled, please refer cancellation reasons for specific reasons "
                 "[None, ConditionalCheckFailed]")
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert snapshot(ddb, plain, ranged) == before

    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": plain, "Key": {"pk": {"S": "missing"}},
                                "ConditionExpression": "attribute_exists(pk)"}},
            {"Delete": {"TableName": plain, "Key": {"pk": {"S": "a"}},
                        "ConditionExpression": "bal = :v", "ExpressionAttributeValues": {":v": {"N": "11"}}}},
        ])
    assert_error(e, "TransactionCanceledException",
                 cancelled_message("ConditionalCheckFailed", "ConditionalCheckFailed"))
    assert snapshot(ddb, plain, ranged) == before


def test_transact_write_return_values_on_condition_check_failure(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}, "tag": {"SS": ["x"]}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "v": {"N": "2"}})
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "b"}}, "UpdateExpression": "SET v = :n",
                        "ConditionExpression": "v = :n", "ExpressionAttributeValues": {":n": {"N": "2"}},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}, "v": {"N": "100"}},
                     "ConditionExpression": "v = :n", "ExpressionAttributeValues": {":n": {"N": "2"}},
                     "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "none"}},
                                "ConditionExpression": "attribute_exists(pk)",
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Delete": {"TableName": table, "Key": {"pk": {"S": "c"}},
                        "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert_error(e, "TransactionCanceledException",
                 cancelled_message("None", "ConditionalCheckFailed", "ConditionalCheckFailed",
                                   "ConditionalCheckFailed"))
    reasons = e.value.response["CancellationReasons"]
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Item"] == {"pk": {"S": "a"}, "v": {"N": "1"}, "tag": {"SS": ["x"]}}
    # ALL_OLD on a missing item: nothing to return.
    assert reasons[2]["Code"] == "ConditionalCheckFailed" and "Item" not in reasons[2]
    # Not asked for: no item.
    assert reasons[3]["Code"] == "ConditionalCheckFailed" and "Item" not in reasons[3]
    assert get(ddb, table, {"pk": {"S": "a"}})["v"] == {"N": "1"}


def test_transact_write_validation_error_reasons(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "big"}, "d": {"S": "x" * (399 * 1024)}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "other"}, "v": {"N": "1"}})
    before = scan_all(ddb, table)
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "other"}}, "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"N": "2"}}}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": "big"}}, "UpdateExpression": "SET e = :e",
                        "ExpressionAttributeValues": {":e": {"S": "y" * 4096}}}},
        ])
    assert_error(e, "TransactionCanceledException", cancelled_message("None", "ValidationError"))
    reasons = e.value.response["CancellationReasons"]
    assert reasons == [
        {"Code": "None"},
        {"Code": "ValidationError", "Message": "Item size to update has exceeded the maximum allowed size"},
    ]
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Update": {"TableName": table, "Key": {"pk": {"S": "other"}}, "UpdateExpression": "SET v = nope + :v",
                        "ExpressionAttributeValues": {":v": {"N": "2"}}}},
        ])
    assert_error(e, "TransactionCanceledException", cancelled_message("ValidationError"))
    assert e.value.response["CancellationReasons"] == [{
        "Code": "ValidationError",
        "Message": "The provided expression refers to an attribute that does not exist in the item",
    }]
    assert scan_all(ddb, table) == before


def test_transact_write_same_item_twice(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "a"}},
                                "ConditionExpression": "attribute_not_exists(pk)"}},
            {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}}}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET x = :x",
                        "ExpressionAttributeValues": {":x": {"N": "1"}}}},
        ])
    assert_error(e, "ValidationException", SAME_ITEM_TWICE)
    assert scan_all(ddb, table) == []


def test_transact_write_two_actions_in_one_item(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "z"}}},
             "Delete": {"TableName": table, "Key": {"pk": {"S": "z"}}}},
        ])
    assert_error(e, "ValidationException", "TransactItems can only contain one of Check, Put, Update or Delete")
    assert scan_all(ddb, table) == []


def test_transact_write_missing_table_and_limits(ddb, ddb_raw, table):
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": "a"}}}},
            {"Put": {"TableName": "no_such_table_bt", "Item": {"pk": {"S": "a"}}}},
        ])
    assert_error(e, "ResourceNotFoundException", NOT_FOUND)
    assert scan_all(ddb, table) == []
    with pytest.raises(ClientError) as e:
        ddb_raw.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": f"k{i}"}}}} for i in range(101)
        ])
    assert_error(e, "ValidationException", contains="Member must have length less than or equal to 100")
    assert scan_all(ddb, table) == []
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": table, "Item": {"pk": {"S": f"k{i}"}}}} for i in range(100)
    ])
    assert len(scan_all(ddb, table)) == 100


TOO_LARGE = "Transaction request size exceeded the maximum allowed size of 4 MB"
ALMOST_400_KB = "x" * (390 * 1024)


def test_transact_write_updated_items_count_toward_4_mb(ddb, table):
    # Twelve updates that each grow an item to ~390 KB: ~4.7 MB of items, though every item
    # is under the 400 KB limit and no Put is involved.
    def growing(i):
        return {"Update": {
            "TableName": table, "Key": {"pk": {"S": f"big{i}"}},
            "UpdateExpression": "SET d = :d", "ExpressionAttributeValues": {":d": {"S": ALMOST_400_KB}},
        }}

    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=[growing(i) for i in range(12)])
    assert_error(e, "ValidationException", TOO_LARGE)
    assert scan_all(ddb, table) == []
    ddb.transact_write_items(TransactItems=[growing(i) for i in range(10)])
    assert len(scan_all(ddb, table)) == 10


def test_transact_get_items_over_4_mb_is_refused(ddb, table):
    for i in range(11):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"big{i}"}, "d": {"S": ALMOST_400_KB}})
    gets = [{"Get": {"TableName": table, "Key": {"pk": {"S": f"big{i}"}}}} for i in range(11)]
    with pytest.raises(ClientError) as e:
        ddb.transact_get_items(TransactItems=gets)
    assert_error(e, "ValidationException", TOO_LARGE)
    assert len(ddb.transact_get_items(TransactItems=gets[:10])["Responses"]) == 10


def test_transaction_consumed_capacity_follows_request_order(ddb, two_tables):
    plain, ranged = two_tables
    # Named so that sorting by name would put them the other way round.
    first, second = sorted([plain, ranged], reverse=True)
    keys = {plain: {"pk": {"S": "o"}}, ranged: {"pk": {"S": "o"}, "sk": {"N": "1"}}}
    written = ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": t, "Item": keys[t]}} for t in (first, second)],
        ReturnConsumedCapacity="TOTAL",
    )
    assert [c["TableName"] for c in written["ConsumedCapacity"]] == [first, second]
    read = ddb.transact_get_items(
        TransactItems=[{"Get": {"TableName": t, "Key": keys[t]}} for t in (first, second)],
        ReturnConsumedCapacity="TOTAL",
    )
    assert [c["TableName"] for c in read["ConsumedCapacity"]] == [first, second]


def test_struct_sent_as_list_is_a_serialization_error(raw, table):
    response = raw("DynamoDB_20120810.TransactWriteItems", {"TransactItems": [{"Put": []}]})
    assert response.status == 400, response
    body = response.json()
    assert body["__type"] == "com.amazon.coral.service#SerializationException", body
    assert body.get("message", body.get("Message")) == "Start of list found where not expected"


def add_one(table, key="counter"):
    return [{"Update": {"TableName": table, "Key": {"pk": {"S": key}}, "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}]


def test_client_request_token_replay_applies_once(ddb, table):
    token = str(uuid.uuid4())
    ddb.transact_write_items(TransactItems=add_one(table), ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=add_one(table), ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=add_one(table), ClientRequestToken=token)
    assert get(ddb, table, {"pk": {"S": "counter"}})["n"] == {"N": "1"}
    # A different token is a different request.
    ddb.transact_write_items(TransactItems=add_one(table), ClientRequestToken=str(uuid.uuid4()))
    assert get(ddb, table, {"pk": {"S": "counter"}})["n"] == {"N": "2"}
    # Without a token every call applies.
    ddb.transact_write_items(TransactItems=add_one(table))
    ddb.transact_write_items(TransactItems=add_one(table))
    assert get(ddb, table, {"pk": {"S": "counter"}})["n"] == {"N": "4"}


def test_client_request_token_replay_reports_read_capacity(ddb, table):
    # "the initial call returns the write capacity units consumed in making the changes;
    # subsequent calls with the same client token return the read capacity units consumed in
    # reading the item": two items written transactionally (2 WCU each), then read back (1 RCU
    # each, small items read strongly).
    token = str(uuid.uuid4())
    items = add_one(table, "r1") + add_one(table, "r2")
    first = ddb.transact_write_items(TransactItems=items, ClientRequestToken=token,
                                     ReturnConsumedCapacity="TOTAL")
    assert first["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 4.0}]
    replay = ddb.transact_write_items(TransactItems=items, ClientRequestToken=token,
                                      ReturnConsumedCapacity="TOTAL")
    assert replay["ConsumedCapacity"] == [{"TableName": table, "CapacityUnits": 2.0}]
    assert get(ddb, table, {"pk": {"S": "r1"}})["n"] == {"N": "1"}


def test_client_request_token_mismatch(ddb, table):
    token = str(uuid.uuid4())
    ddb.transact_write_items(TransactItems=add_one(table, "a"), ClientRequestToken=token)
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=add_one(table, "b"), ClientRequestToken=token)
    assert_error(e, "IdempotentParameterMismatchException")
    assert get(ddb, table, {"pk": {"S": "b"}}) is None
    # The same items with another ReturnConsumedCapacity: "a change in other parameters".
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=add_one(table, "a"), ClientRequestToken=token,
                                 ReturnConsumedCapacity="TOTAL")
    assert_error(e, "IdempotentParameterMismatchException")
    assert get(ddb, table, {"pk": {"S": "a"}})["n"] == {"N": "1"}
    # The original request still replays.
    ddb.transact_write_items(TransactItems=add_one(table, "a"), ClientRequestToken=token)
    assert get(ddb, table, {"pk": {"S": "a"}})["n"] == {"N": "1"}


def test_client_request_token_of_a_cancelled_transaction_is_free_again(ddb, table):
    token = str(uuid.uuid4())
    items = [{"Update": {"TableName": table, "Key": {"pk": {"S": "c"}}, "UpdateExpression": "ADD n :one",
                         "ConditionExpression": "attribute_exists(pk)",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    with pytest.raises(ClientError) as e:
        ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert_error(e, "TransactionCanceledException", cancelled_message("ConditionalCheckFailed"))
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "n": {"N": "0"}})
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert get(ddb, table, {"pk": {"S": "c"}})["n"] == {"N": "1"}


# --- TransactGetItems --------------------------------------------------------------------------


def test_transact_get_items_projections_and_missing_items(ddb, two_tables):
    plain, ranged = two_tables
    ddb.put_item(TableName=plain, Item={"pk": {"S": "a"}, "x": {"N": "1"}, "y": {"M": {"z": {"S": "deep"}, "w": {"N": "2"}}}})
    ddb.put_item(TableName=plain, Item={"pk": {"S": "a2"}, "x": {"N": "1"}, "z": {"S": "other"}})
    ddb.put_item(TableName=ranged, Item={"pk": {"S": "h"}, "sk": {"N": "1"}, "data": {"S": "d"}})
    resp = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": plain, "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "#y.z",
                     "ExpressionAttributeNames": {"#y": "y"}}},
            {"Get": {"TableName": plain, "Key": {"pk": {"S": "missing"}}}},
            {"Get": {"TableName": ranged, "Key": {"pk": {"S": "h"}, "sk": {"N": "1"}}}},
            {"Get": {"TableName": ranged, "Key": {"pk": {"S": "h"}, "sk": {"N": "2"}}, "ProjectionExpression": "sk"}},
            {"Get": {"TableName": plain, "Key": {"pk": {"S": "a2"}}, "ProjectionExpression": "x, nothere"}},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert resp["Responses"] == [
        {"Item": {"y": {"M": {"z": {"S": "deep"}}}}},
        {},
        {"Item": {"pk": {"S": "h"}, "sk": {"N": "1"}, "data": {"S": "d"}}},
        {},
        {"Item": {"x": {"N": "1"}}},
    ]
    # Two units per transactional read of up to 4 KB.
    assert capacity_by_table(resp) == {plain: 6.0, ranged: 4.0}


def test_transact_get_items_errors(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": table, "Key": {"pk": {"S": "a"}}}},
            {"Get": {"TableName": "no_such_table_bt", "Key": {"pk": {"S": "a"}}}},
        ])
    assert_error(e, "ResourceNotFoundException", NOT_FOUND)
    with pytest.raises(ClientError) as e:
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": {"nope": {"S": "a"}}}}])
    # A key that does not fit the schema cancels the read (DynamoDB's answer for an empty Key).
    assert_error(e, "TransactionCanceledException", cancelled_message("ValidationError"))
    assert e.value.response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "The provided key element does not match the schema"}]


# --- concurrency -------------------------------------------------------------------------------


TRANSFER_CONFLICT_CODES = {"TransactionConflict", "ConditionalCheckFailed"}


def test_concurrent_transfers_and_withdrawals_conserve_money(server, make_table):
    """Threads transfer money with conditional transactions while others withdraw with plain
    conditional UpdateItems on the same accounts. Every failure must be one of AWS's conflict or
    condition errors; at the end the books balance and no account is negative."""
    table = make_table()
    accounts = [f"acct{i}" for i in range(6)]
    initial = 1000
    setup = server.client()
    for a in accounts:
        setup.put_item(TableName=table, Item={"pk": {"S": a}, "bal": {"N": str(initial)}})

    deadline = time.monotonic() + 4.0
    lock = threading.Lock()
    stats = {"transfers": 0, "withdrawn": 0, "withdrawals": 0, "cancel_codes": set(), "errors": []}

    def transfers(seed):
        rng, c = random.Random(seed), make_client(server.endpoint)
        while time.monotonic() < deadline:
            src, dst = rng.sample(accounts, 2)
            amt = str(rng.randint(1, 300))
            try:
                c.transact_write_items(TransactItems=[
                    {"Update": {"TableName": table, "Key": {"pk": {"S": src}},
                                "UpdateExpression": "SET bal = bal - :a", "ConditionExpression": "bal >= :a",
                                "ExpressionAttributeValues": {":a": {"N": amt}}}},
                    {"Update": {"TableName": table, "Key": {"pk": {"S": dst}}, "UpdateExpression": "ADD bal :a",
                                "ExpressionAttributeValues": {":a": {"N": amt}}}},
                ])
                with lock:
                    stats["transfers"] += 1
            except ClientError as e:
                code = e.response["Error"]["Code"]
                reasons = [r["Code"] for r in e.response.get("CancellationReasons", [])]
                with lock:
                    if code != "TransactionCanceledException" or not set(reasons) - {"None"} <= TRANSFER_CONFLICT_CODES \
                            or set(reasons) == {"None"} or len(reasons) != 2:
                        stats["errors"].append((code, e.response["Error"].get("Message"), reasons))
                    stats["cancel_codes"].update(reasons)

    def withdrawals(seed):
        rng, c = random.Random(seed), make_client(server.endpoint)
        while time.monotonic() < deadline:
            amt = rng.randint(1, 50)
            try:
                c.update_item(TableName=table, Key={"pk": {"S": rng.choice(accounts)}},
                              UpdateExpression="SET bal = bal - :a", ConditionExpression="bal >= :a",
                              ExpressionAttributeValues={":a": {"N": str(amt)}})
                with lock:
                    stats["withdrawn"] += amt
                    stats["withdrawals"] += 1
            except ClientError as e:
                code = e.response["Error"]["Code"]
                if code not in ("TransactionConflictException", "ConditionalCheckFailedException"):
                    with lock:
                        stats["errors"].append((code, e.response["Error"].get("Message"), None))

    threads = [threading.Thread(target=transfers, args=(i,)) for i in range(4)]
    threads += [threading.Thread(target=withdrawals, args=(100 + i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert stats["errors"] == [], stats["errors"][:5]
    assert stats["transfers"] > 0 and stats["withdrawals"] > 0, stats

    balances = {i["pk"]["S"]: int(i["bal"]["N"]) for i in scan_all(setup, table)}
    assert set(balances) == set(accounts)
    assert all(b >= 0 for b in balances.values()), balances
    assert sum(balances.values()) == initial * len(accounts) - stats["withdrawn"], (balances, stats)
