"""Query and Scan (issue 5) through boto3: key-condition operators and sort orders, Limit and
filters, Select, 1 MB pages, paginators, parallel scan segments over a 10,000-item table, and
AWS's validation messages."""

from __future__ import annotations

import concurrent.futures
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import assert_error, make_client

PAD_100KB = "x" * 100_000


def put_all(ddb, table, items):
    """Writes items 25 at a time."""
    for start in range(0, len(items), 25):
        ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": i}} for i in items[start:start + 25]]}
        )


def query_all(ddb, **kwargs):
    """Every page of a Query, followed through LastEvaluatedKey by hand."""
    pages = []
    while True:
        page = ddb.query(**kwargs)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def scan_all(ddb, **kwargs):
    pages = []
    while True:
        page = ddb.scan(**kwargs)
        pages.append(page)
        if "LastEvaluatedKey" not in page:
            return pages
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def items_of(pages):
    return [item for page in pages for item in page.get("Items", [])]


def sort_values(items, attr="sk"):
    return [next(iter(i[attr].values())) for i in items]


@pytest.fixture
def numbers_table(ddb, make_table):
    """pk S, sk N: partition "p" holds sk 1..10 with v = sk % 3; partition "q" holds sk 1..3."""
    name = make_table(range_key=("sk", "N"))
    items = [{"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"N": str(i % 3)}} for i in range(1, 11)]
    items += [{"pk": {"S": "q"}, "sk": {"N": str(i)}} for i in range(1, 4)]
    put_all(ddb, name, items)
    return name


# --- sort orders -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ty, values, expected",
    [
        (
            "N",
            ["10", "-1.5", "0", "2", "-10", "0.25", "1E+3", "-0.001", "99.99"],
            ["-10", "-1.5", "-0.001", "0", "0.25", "2", "10", "99.99", "1000"],
        ),
        (
            "S",
            ["b", "a", "ab", "B", "é", "a b", "Z", "aa"],
            ["B", "Z", "a", "a b", "aa", "ab", "b", "é"],
        ),
        (
            "B",
            [b"\x01", b"\x00", b"\x00\x01", b"\xff", b"\x7f", b"\x00\x00"],
            [b"\x00", b"\x00\x00", b"\x00\x01", b"\x01", b"\x7f", b"\xff"],
        ),
    ],
)
def test_sort_keys_come_back_in_dynamodb_order_both_ways(ddb, make_table, ty, values, expected):
    name = make_table(range_key=("sk", ty))
    put_all(ddb, name, [{"pk": {"S": "k"}, "sk": {ty: v}} for v in values])
    query = dict(TableName=name, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "k"}})
    forward = ddb.query(**query)
    assert sort_values(forward["Items"]) == expected
    assert forward["Count"] == forward["ScannedCount"] == len(expected)
    backward = ddb.query(ScanIndexForward=False, **query)
    assert sort_values(backward["Items"]) == expected[::-1]
    # Paging backwards with Limit gives the same sequence.
    pages = query_all(ddb, ScanIndexForward=False, Limit=2, **query)
    assert sort_values(items_of(pages)) == expected[::-1]


# --- key-condition operators --------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition, values, expected",
    [
        ("pk = :p", {}, list(range(1, 11))),
        ("pk = :p AND sk = :a", {":a": "4"}, [4]),
        ("pk = :p AND sk < :a", {":a": "4"}, [1, 2, 3]),
        ("pk = :p AND sk <= :a", {":a": "4"}, [1, 2, 3, 4]),
        ("pk = :p AND sk > :a", {":a": "7"}, [8, 9, 10]),
        ("pk = :p AND sk >= :a", {":a": "7"}, [7, 8, 9, 10]),
        ("pk = :p AND sk BETWEEN :a AND :b", {":a": "3", ":b": "6"}, [3, 4, 5, 6]),
        ("pk = :p AND sk BETWEEN :a AND :b", {":a": "5", ":b": "5"}, [5]),
        ("sk > :a AND pk = :p", {":a": "8"}, [9, 10]),
        (":a > sk AND pk = :p", {":a": "3"}, [1, 2]),
        ("pk = :p AND sk > :a", {":a": "10"}, []),
    ],
)
def test_key_condition_expression_operators(ddb, numbers_table, condition, values, expected):
    attribute_values = {":p": {"S": "p"}, **{k: {"N": v} for k, v in values.items()}}
    resp = ddb.query(TableName=numbers_table, KeyConditionExpression=condition,
                     ExpressionAttributeValues=attribute_values)
    assert [int(v) for v in sort_values(resp["Items"])] == expected
    assert resp["Count"] == resp["ScannedCount"] == len(expected)
    assert "LastEvaluatedKey" not in resp


@pytest.mark.parametrize(
    "operator, values, expected",
    [
        ("EQ", ["4"], [4]),
        ("LT", ["4"], [1, 2, 3]),
        ("LE", ["4"], [1, 2, 3, 4]),
        ("GT", ["7"], [8, 9, 10]),
        ("GE", ["7"], [7, 8, 9, 10]),
        ("BETWEEN", ["3", "6"], [3, 4, 5, 6]),
    ],
)
def test_legacy_key_conditions(ddb, numbers_table, operator, values, expected):
    resp = ddb.query(
        TableName=numbers_table,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": operator,
                   "AttributeValueList": [{"N": v} for v in values]},
        },
    )
    assert [int(v) for v in sort_values(resp["Items"])] == expected


def test_begins_with_on_string_and_binary_sort_keys(ddb, make_table):
    strings = make_table(range_key=("sk", "S"))
    put_all(ddb, strings, [{"pk": {"S": "k"}, "sk": {"S": s}}
                           for s in ["app", "apple", "apricot", "ap", "b", "a", "aq", "apé"]])
    resp = ddb.query(TableName=strings,
                     KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                     ExpressionAttributeValues={":p": {"S": "k"}, ":s": {"S": "ap"}})
    assert sort_values(resp["Items"]) == ["ap", "app", "apple", "apricot", "apé"]
    legacy = ddb.query(TableName=strings, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "k"}]},
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "app"}]},
    })
    assert sort_values(legacy["Items"]) == ["app", "apple"]

    binaries = make_table(range_key=("sk", "B"))
    put_all(ddb, binaries, [{"pk": {"S": "k"}, "sk": {"B": b}}
                            for b in [b"\x00", b"\x00\x00", b"\x00\x01", b"\x01", b"\x00\xff"]])
    resp = ddb.query(TableName=binaries,
                     KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
                     ExpressionAttributeValues={":p": {"S": "k"}, ":s": {"B": b"\x00"}})
    assert sort_values(resp["Items"]) == [b"\x00", b"\x00\x00", b"\x00\x01", b"\x00\xff"]


# --- Limit, filters, Select, projections ---------------------------------------------------------


def test_limit_pages_without_filter(ddb, numbers_table):
    query = dict(TableName=numbers_table, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "p"}}, Limit=4)
    pages = query_all(ddb, **query)
    assert [p["Count"] for p in pages] == [4, 4, 2]
    assert pages[0]["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "4"}}
    assert [int(v) for v in sort_values(items_of(pages))] == list(range(1, 11))
    # A page that ends exactly on the last item still says where to resume; the next is empty.
    five = query_all(ddb, **{**query, "Limit": 5})
    assert [p["Count"] for p in five] == [5, 5, 0]


def test_limit_counts_items_before_the_filter(ddb, numbers_table):
    query = dict(TableName=numbers_table, KeyConditionExpression="pk = :p",
                 FilterExpression="v = :zero",
                 ExpressionAttributeValues={":p": {"S": "p"}, ":zero": {"N": "0"}})
    page = ddb.query(Limit=4, **query)
    assert (page["ScannedCount"], page["Count"]) == (4, 1)
    assert [i["sk"]["N"] for i in page["Items"]] == ["3"]
    assert page["LastEvaluatedKey"]["sk"] == {"N": "4"}
    pages = query_all(ddb, Limit=4, **query)
    assert [int(v) for v in sort_values(items_of(pages))] == [3, 6, 9]
    assert sum(p["ScannedCount"] for p in pages) == 10
    # A page may be empty after filtering and still continue.
    empty = ddb.query(Limit=2, **query)
    assert empty["Count"] == 0 and empty["Items"] == [] and "LastEvaluatedKey" in empty

    legacy = ddb.query(TableName=numbers_table, Limit=4, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
    }, QueryFilter={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "0"}]}})
    assert (legacy["ScannedCount"], legacy["Count"]) == (4, 1)


def test_select_count_and_projections(ddb, numbers_table):
    query = dict(TableName=numbers_table, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "p"}})
    count = ddb.query(Select="COUNT", **query)
    assert "Items" not in count
    assert (count["Count"], count["ScannedCount"]) == (10, 10)
    limited = ddb.query(Select="COUNT", Limit=3, **query)
    assert limited["Count"] == 3 and limited["LastEvaluatedKey"]["sk"] == {"N": "3"}

    projected = ddb.query(ProjectionExpression="sk, #v", ExpressionAttributeNames={"#v": "v"},
                          Limit=2, **query)
    assert projected["Items"] == [{"sk": {"N": "1"}, "v": {"N": "1"}},
                                  {"sk": {"N": "2"}, "v": {"N": "2"}}]
    # LastEvaluatedKey is the whole key, whatever the projection.
    assert projected["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "2"}}
    specific = ddb.query(TableName=numbers_table, Select="SPECIFIC_ATTRIBUTES",
                         AttributesToGet=["pk"], KeyConditions={
                             "pk": {"ComparisonOperator": "EQ",
                                    "AttributeValueList": [{"S": "q"}]}})
    assert specific["Items"] == [{"pk": {"S": "q"}}] * 3

    scan_count = ddb.scan(TableName=numbers_table, Select="COUNT",
                          FilterExpression="attribute_exists(v)")
    assert (scan_count["Count"], scan_count["ScannedCount"]) == (10, 13)


def test_consumed_capacity_counts_everything_read(ddb, numbers_table):
    query = dict(TableName=numbers_table, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "p"}}, ReturnConsumedCapacity="TOTAL")
    eventual = ddb.query(**query)
    strong = ddb.query(ConsistentRead=True, **query)
    assert eventual["ConsumedCapacity"] == {"TableName": numbers_table, "CapacityUnits": 0.5}
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert "ConsumedCapacity" not in ddb.query(**{**query, "ReturnConsumedCapacity": "NONE"})


def test_resource_query_with_conditions_and_paginators(ddb, dynamodb, numbers_table):
    from boto3.dynamodb.conditions import Attr, Key

    table = dynamodb.Table(numbers_table)
    resp = table.query(KeyConditionExpression=Key("pk").eq("p") & Key("sk").between(2, 4),
                       FilterExpression=Attr("v").ne(0))
    assert [i["sk"] for i in resp["Items"]] == [Decimal(2), Decimal(4)]

    paginator = ddb.get_paginator("query")
    pages = list(paginator.paginate(
        TableName=numbers_table, KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}}, PaginationConfig={"PageSize": 3}))
    assert [p["Count"] for p in pages] == [3, 3, 3, 1]
    assert [int(v) for v in sort_values(items_of(pages))] == list(range(1, 11))

    scanned = list(ddb.get_paginator("scan").paginate(
        TableName=numbers_table, PaginationConfig={"PageSize": 5}))
    assert sum(p["Count"] for p in scanned) == 13


# --- 1 MB pages ----------------------------------------------------------------------------------


def test_pages_end_once_a_megabyte_has_been_read(ddb, make_table):
    name = make_table(range_key=("sk", "N"))
    items = [{"pk": {"S": "big"}, "sk": {"N": str(i)}, "pad": {"S": PAD_100KB}} for i in range(25)]
    for item in items:  # ~100 KB each: one at a time keeps requests small
        ddb.put_item(TableName=name, Item=item)
    query = dict(TableName=name, KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": {"S": "big"}})
    # Ten items stay under 1 MB; the eleventh crosses it and ends the page.
    pages = query_all(ddb, **query)
    assert [p["ScannedCount"] for p in pages] == [11, 11, 3]
    assert pages[0]["LastEvaluatedKey"] == {"pk": {"S": "big"}, "sk": {"N": "10"}}
    assert [int(v) for v in sort_values(items_of(pages))] == list(range(25))
    # The limit applies to data read, not returned: a filter or COUNT changes nothing.
    filtered = query_all(ddb, FilterExpression="attribute_exists(nothing)", **query)
    assert [(p["Count"], p["ScannedCount"]) for p in filtered] == [(0, 11), (0, 11), (0, 3)]
    counted = scan_all(ddb, TableName=name, Select="COUNT")
    assert [p["Count"] for p in counted] == [11, 11, 3]
    reverse = query_all(ddb, ScanIndexForward=False, ProjectionExpression="sk", **query)
    assert [p["Count"] for p in reverse] == [11, 11, 3]
    assert [int(v) for v in sort_values(items_of(reverse))] == list(range(24, -1, -1))


# --- a 10,000-item table -------------------------------------------------------------------------


def test_ten_thousand_items_through_pages_and_parallel_segments(fresh_server):
    server = fresh_server()
    ddb = server.client()
    name = "ten_thousand"
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}])
    keys = {(f"user{i % 2500}", i // 2500) for i in range(10_000)}
    items = [{"pk": {"S": pk}, "sk": {"N": str(sk)}, "data": {"S": "d" * 40}} for pk, sk in keys]
    chunks = [items[i:i + 1000] for i in range(0, len(items), 1000)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda chunk: put_all(make_client(server.endpoint), name, chunk), chunks))

    def key_of(item):
        return item["pk"]["S"], int(item["sk"]["N"])

    pages = scan_all(ddb, TableName=name, Limit=700)
    collected = [key_of(i) for i in items_of(pages)]
    assert len(collected) == 10_000 and set(collected) == keys
    assert all(p["ScannedCount"] <= 700 for p in pages)

    paginated = [key_of(i) for page in ddb.get_paginator("scan").paginate(TableName=name)
                 for i in page["Items"]]
    assert paginated == collected  # Scan order is stable

    def scan_segment(segment, total):
        client = make_client(server.endpoint)
        return [key_of(i) for i in items_of(scan_all(
            client, TableName=name, Segment=segment, TotalSegments=total, Limit=900))]

    for total in (1, 4, 7):
        with concurrent.futures.ThreadPoolExecutor(total) as pool:
            segments = list(pool.map(lambda s: scan_segment(s, total), range(total)))
        together = [key for segment in segments for key in segment]
        assert len(together) == 10_000, total
        assert set(together) == keys, total
        if total > 1:
            assert all(segments), "every segment of a 10,000-item table holds items"
        # Segments are consecutive slices of the one scan order.
        assert together == collected, total

    query = ddb.query(TableName=name, KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "user7"}})
    assert [int(v) for v in sort_values(query["Items"])] == [0, 1, 2, 3]


# --- validation ----------------------------------------------------------------------------------


def query_error(ddb, table, condition, values, **kwargs):
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=table, KeyConditionExpression=condition,
                  ExpressionAttributeValues=values, **kwargs)
    return e


@pytest.mark.parametrize(
    "condition, values, message",
    [
        ("sk = :n", {":n": {"N": "1"}}, "Query condition missed key schema element: pk"),
        ("pk > :s", {":s": {"S": "a"}}, "Query key condition not supported"),
        ("pk = :s AND extra = :n", {":s": {"S": "a"}, ":n": {"N": "1"}},
         "Query condition missed key schema element: sk"),
        ("pk = :s AND pk = :t", {":s": {"S": "a"}, ":t": {"S": "b"}},
         "KeyConditionExpressions must only contain one condition per key"),
        ("pk = :s AND sk = :n AND extra = :n", {":s": {"S": "a"}, ":n": {"N": "1"}},
         "Conditions can be of length 1 or 2 only"),
        ("pk = :s OR sk = :n", {":s": {"S": "a"}, ":n": {"N": "1"}},
         "Invalid operator used in KeyConditionExpression: OR"),
        ("pk = :s AND sk <> :n", {":s": {"S": "a"}, ":n": {"N": "1"}},
         "Invalid operator used in KeyConditionExpression: <>"),
        ("pk = :n", {":n": {"N": "1"}},
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :s AND begins_with(sk, :t)", {":s": {"S": "a"}, ":t": {"S": "1"}},
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        ("pk = :s AND sk BETWEEN :hi AND :lo", {":s": {"S": "a"}, ":hi": {"N": "5"}, ":lo": {"N": "1"}},
         "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater "
         "than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
         "operand: AttributeValue: {N:1}"),
        ("pk = :s AND begins_with(sk, :n)", {":s": {"S": "a"}, ":n": {"N": "1"}},
         "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: begins_with, operand type: N"),
    ],
)
def test_key_condition_errors(ddb, numbers_table, condition, values, message):
    assert_error(query_error(ddb, numbers_table, condition, values), "ValidationException", message)


def test_hash_only_table_rejects_sort_conditions(ddb, table):
    e = query_error(ddb, table, "pk = :s AND extra = :s", {":s": {"S": "a"}})
    assert_error(e, "ValidationException", "Query key condition not supported")


def test_filters_and_projections_on_keys(ddb, numbers_table):
    e = query_error(ddb, numbers_table, "pk = :s", {":s": {"S": "p"}, ":n": {"N": "1"}},
                    FilterExpression="sk > :n")
    assert_error(e, "ValidationException",
                 "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk")
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=numbers_table, KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]}},
            QueryFilter={"pk": {"ComparisonOperator": "NOT_NULL"}})
    assert_error(e, "ValidationException",
                 "QueryFilter can only contain non-primary key attributes: Primary key attribute: pk")
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=numbers_table, ProjectionExpression="pk.part")
    assert_error(e, "ValidationException",
                 "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                 "not allowed: Key: pk")
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=numbers_table)
    assert_error(e, "ValidationException",
                 "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"Select": "ALL_ATTRIBUTES", "ProjectionExpression": "v"},
         "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES"),
        ({"Select": "COUNT", "ProjectionExpression": "v"},
         "Cannot specify the ProjectionExpression when choosing to get only the Count"),
        ({"Select": "COUNT", "AttributesToGet": ["v"]},
         "Cannot specify the AttributesToGet when choosing to get only the Count"),
        ({"Select": "SPECIFIC_ATTRIBUTES"},
         "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"),
        ({"Select": "ALL_PROJECTED_ATTRIBUTES"},
         "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"),
        ({"IndexName": "byValue"}, "The table does not have the specified index: byValue"),
        ({"Limit": 0}, "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                       "constraint: Member must have value greater than or equal to 1"),
        ({"Segment": 1}, "The TotalSegments parameter is required but was not present in the "
                         "request when Segment parameter is present"),
        ({"TotalSegments": 4}, "The Segment parameter is required but was not present in the "
                               "request when parameter TotalSegments is present"),
        ({"Segment": 4, "TotalSegments": 4},
         "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
         "Segment: 4 is not less than TotalSegments: 4"),
        ({"Segment": 0, "TotalSegments": 1_000_001},
         "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy "
         "constraint: Member must have value less than or equal to 1000000"),
        ({"Segment": 0, "TotalSegments": 0},
         "1 validation error detected: Value '0' at 'totalSegments' failed to satisfy "
         "constraint: Member must have value greater than or equal to 1"),
        ({"Segment": -1, "TotalSegments": 2},
         "1 validation error detected: Value '-1' at 'segment' failed to satisfy "
         "constraint: Member must have value greater than or equal to 0"),
    ],
)
def test_scan_parameter_errors(ddb_raw, numbers_table, kwargs, message):
    with pytest.raises(ClientError) as e:
        ddb_raw.scan(TableName=numbers_table, **kwargs)
    assert_error(e, "ValidationException", message)


def test_exclusive_start_keys_of_the_wrong_shape(ddb, numbers_table):
    query = dict(TableName=numbers_table, KeyConditionExpression="pk = :p AND sk > :n",
                 ExpressionAttributeValues={":p": {"S": "p"}, ":n": {"N": "2"}})
    cases = [
        ({"pk": {"S": "p"}}, "The provided starting key is invalid"),
        ({"pk": {"S": "p"}, "other": {"N": "5"}}, "The provided starting key is invalid"),
        ({"pk": {"S": "p"}, "sk": {"S": "5"}}, "The provided key element does not match the schema"),
        ({"pk": {"S": "p"}, "sk": {"N": "1"}},
         "The provided starting key does not match the range key predicate"),
        ({"pk": {"S": "q"}, "sk": {"N": "5"}},
         "The query can return at most one row and cannot be restarted"),
    ]
    for start_key, message in cases:
        with pytest.raises(ClientError) as e:
            ddb.query(ExclusiveStartKey=start_key, **query)
        assert_error(e, "ValidationException", message)
    with pytest.raises(ClientError) as e:
        ddb.query(TableName=numbers_table, KeyConditionExpression="pk = :p",
                  ExpressionAttributeValues={":p": {"S": "p"}},
                  ExclusiveStartKey={"pk": {"S": "q"}, "sk": {"N": "1"}})
    assert_error(e, "ValidationException",
                 "The provided starting key is outside query boundaries based on provided conditions")
    for start_key in ({"pk": {"S": "p"}}, {"pk": {"N": "1"}, "sk": {"N": "1"}},
                      {"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"N": "1"}}):
        with pytest.raises(ClientError) as e:
            ddb.scan(TableName=numbers_table, ExclusiveStartKey=start_key)
        assert_error(e, "ValidationException",
                     "The provided starting key is invalid: The provided key element does not match the schema")


def test_start_key_from_another_segment_is_rejected(ddb, numbers_table):
    first = ddb.scan(TableName=numbers_table, Segment=0, TotalSegments=2, Limit=1)
    second = ddb.scan(TableName=numbers_table, Segment=1, TotalSegments=2, Limit=1)
    # Both partitions may hash into one half; use whichever half holds an item.
    page, other = (first, 1) if first["Items"] else (second, 0)
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName=numbers_table, Segment=other, TotalSegments=2,
                 ExclusiveStartKey=page["LastEvaluatedKey"])
    assert_error(e, "ValidationException",
                 "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                 f"ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: {other}")


def test_missing_table(ddb):
    with pytest.raises(ClientError) as e:
        ddb.scan(TableName="no_such_table")
    assert_error(e, "ResourceNotFoundException", "Requested resource not found")
