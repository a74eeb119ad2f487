"""Data plane: PutItem, GetItem, DeleteItem; attribute types, numbers, keys, limits, errors."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from boto3.dynamodb.types import Binary
from botocore.exceptions import ClientError

from gannet_e2e import assert_error, unique_name

KEY_MISMATCH = "The provided key element does not match the schema"


def sets_normalized(item):
    """Item with SS/NS/BS turned into sorted lists (sets have no order on the wire)."""
    out = {}
    for k, v in item.items():
        (t, val), = v.items()
        if t in ("SS", "NS"):
            out[k] = {t: sorted(val)}
        elif t == "BS":
            out[k] = {t: sorted(val)}
        elif t == "M":
            out[k] = {"M": sets_normalized(val)}
        elif t == "L":
            out[k] = {"L": [list(sets_normalized({"x": e}).values())[0] for e in val]}
        else:
            out[k] = v
    return out


# --- round trips -------------------------------------------------------------------------------


def test_every_attribute_type_round_trips(ddb, table):
    item = {
        "pk": {"S": "all-types"},
        "s": {"S": "héllo wörld ✓"},
        "empty_s": {"S": ""},
        "n": {"N": "42"},
        "neg": {"N": "-3.25"},
        "b": {"B": b"\x00\x01\x02\xff"},
        "empty_b": {"B": b""},
        "t": {"BOOL": True},
        "f": {"BOOL": False},
        "nul": {"NULL": True},
        "ss": {"SS": ["b", "a", "c"]},
        "ns": {"NS": ["3", "1", "2.5"]},
        "bs": {"BS": [b"\x01", b"\x02\x03"]},
        "l": {"L": [{"S": "x"}, {"N": "1"}, {"NULL": True}, {"L": []}, {"M": {}}]},
        "m": {
            "M": {
                "inner": {"M": {"deep": {"L": [{"BOOL": False}, {"SS": ["z"]}, {"B": b"\x10"}]}}},
                "num": {"N": "7"},
            }
        },
        "empty_l": {"L": []},
        "empty_m": {"M": {}},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "all-types"}})["Item"]
    assert sets_normalized(got) == sets_normalized(item)


def test_get_with_consistent_read(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "v": {"N": "1"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "c"}}, ConsistentRead=True)
    assert got["Item"] == {"pk": {"S": "c"}, "v": {"N": "1"}}


def test_binary_round_trip_all_bytes(ddb, make_table):
    name = make_table(hash_key=("id", "B"))
    payload = bytes(range(256)) * 4
    key = b"\x00\xffkey\x80"
    ddb.put_item(TableName=name, Item={"id": {"B": key}, "data": {"B": payload}})
    got = ddb.get_item(TableName=name, Key={"id": {"B": key}}, ConsistentRead=True)["Item"]
    assert got["id"]["B"] == key
    assert got["data"]["B"] == payload


def test_binary_is_base64_on_the_wire(raw, table):
    payload = bytes(range(256))
    r = raw(
        "DynamoDB_20120810.PutItem",
        {"TableName": table, "Item": {"pk": {"S": "b64"}, "d": {"B": base64.b64encode(payload).decode()}}},
    )
    assert r.status == 200, r
    r = raw("DynamoDB_20120810.GetItem", {"TableName": table, "Key": {"pk": {"S": "b64"}}})
    assert r.status == 200, r
    assert base64.b64decode(r.json()["Item"]["d"]["B"]) == payload


def test_overwrite_replaces_whole_item(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "o"}, "a": {"S": "1"}, "b": {"S": "2"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "o"}, "c": {"S": "3"}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "o"}})["Item"]
    assert got == {"pk": {"S": "o"}, "c": {"S": "3"}}


def test_get_missing_item_has_no_item(ddb, table):
    resp = ddb.get_item(TableName=table, Key={"pk": {"S": "nope"}})
    assert "Item" not in resp


def test_hash_range_items_are_distinct(ddb, range_table):
    for sk in ("1", "2", "10"):
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "p"}, "sk": {"N": sk}, "v": {"S": f"v{sk}"}})
    for sk in ("1", "2", "10"):
        got = ddb.get_item(TableName=range_table, Key={"pk": {"S": "p"}, "sk": {"N": sk}})["Item"]
        assert got["v"] == {"S": f"v{sk}"}
    # "1.0" and "01" are the same number, so the same key.
    got = ddb.get_item(TableName=range_table, Key={"pk": {"S": "p"}, "sk": {"N": "1.0"}})["Item"]
    assert got["v"] == {"S": "v1"}
    ddb.put_item(TableName=range_table, Item={"pk": {"S": "p"}, "sk": {"N": "01"}, "v": {"S": "again"}})
    got = ddb.get_item(TableName=range_table, Key={"pk": {"S": "p"}, "sk": {"N": "1"}})["Item"]
    assert got == {"pk": {"S": "p"}, "sk": {"N": "1"}, "v": {"S": "again"}}


def test_resource_api_round_trip(dynamodb, table):
    t = dynamodb.Table(table)
    item = {
        "pk": "res",
        "int": 5,
        "dec": Decimal("1.25"),
        "big": Decimal("123456789012345678901234567890.12345678"),
        "bin": Binary(b"\x00\x01"),
        "flag": True,
        "none": None,
        "list": [1, "two", [3], {"four": 4}],
        "map": {"a": {"b": {"c": "d"}}},
        "ss": {"x", "y"},
        "ns": {Decimal("1"), Decimal("2.5")},
    }
    t.put_item(Item=item)
    got = t.get_item(Key={"pk": "res"}, ConsistentRead=True)["Item"]
    assert got == item


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given,canonical",
    [
        ("1.50", "1.5"),
        ("01", "1"),
        ("1.0", "1"),
        ("100", "100"),
        ("-0.50", "-0.5"),
        ("0.000", "0"),
        ("1e3", "1000"),
        ("1.5E2", "150"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("-1234567890.1234567890123456789012345678", "-1234567890.1234567890123456789012345678"),
        ("0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"),
        ("99999999999999999999999999999999999999", "99999999999999999999999999999999999999"),
    ],
)
def test_numbers_are_canonical_and_exact(ddb, table, given, canonical):
    ddb.put_item(TableName=table, Item={"pk": {"S": "num"}, "n": {"N": given}, "l": {"L": [{"N": given}]}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "num"}}, ConsistentRead=True)["Item"]
    assert got["n"] == {"N": canonical}
    assert got["l"] == {"L": [{"N": canonical}]}


def test_number_set_is_canonical(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "ns"}, "ns": {"NS": ["1.50", "02", "3e1"]}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "ns"}})["Item"]
    assert sorted(got["ns"]["NS"]) == sorted(["1.5", "2", "30"])


def test_number_key_is_canonical(ddb, make_table):
    name = make_table(hash_key=("id", "N"))
    ddb.put_item(TableName=name, Item={"id": {"N": "007.100"}, "v": {"S": "x"}})
    got = ddb.get_item(TableName=name, Key={"id": {"N": "7.1"}})["Item"]
    assert got == {"id": {"N": "7.1"}, "v": {"S": "x"}}


def test_invalid_number(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "n": {"N": "abc"}})
    assert_error(e, "ValidationException")
    msg = e.value.response["Error"]["Message"].lower()
    assert "number" in msg or "numeric" in msg, msg


def test_number_with_39_digits(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(
            TableName=table, Item={"pk": {"S": "x"}, "n": {"N": "123456789012345678901234567890123456789"}}
        )
    assert_error(e, "ValidationException", "Attempting to store more than 38 significant digits in a Number")


def test_number_overflow_and_underflow(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "n": {"N": "1E126"}})
    assert_error(
        e,
        "ValidationException",
        "Number overflow. Attempting to store a number with magnitude larger than supported range",
    )
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "n": {"N": "1E-131"}})
    assert_error(
        e,
        "ValidationException",
        "Number underflow. Attempting to store a number with magnitude smaller than supported range",
    )


def test_number_extremes_accepted(ddb, table):
    big = "9.9999999999999999999999999999999999999E+125"
    small = "1E-130"
    ddb.put_item(TableName=table, Item={"pk": {"S": "ext"}, "big": {"N": big}, "small": {"N": small}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "ext"}})["Item"]
    assert Decimal(got["big"]["N"]) == Decimal(big)
    assert Decimal(got["small"]["N"]) == Decimal(small)


# --- ReturnValues ---------------------------------------------------------------------------------


def test_put_return_values(ddb, table):
    r = ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in r
    r = ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert r["Attributes"] == {"pk": {"S": "rv"}, "v": {"N": "1"}}
    r = ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "3"}}, ReturnValues="NONE")
    assert "Attributes" not in r
    r = ddb.put_item(TableName=table, Item={"pk": {"S": "rv"}, "v": {"N": "4"}})
    assert "Attributes" not in r
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "rv"}})["Item"]["v"] == {"N": "4"}


@pytest.mark.parametrize("rv", ["UPDATED_NEW", "ALL_NEW", "UPDATED_OLD"])
def test_put_invalid_return_values(ddb, table, rv):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "rv-bad"}}, ReturnValues=rv)
    assert_error(e, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "rv-bad"}})


def test_put_unknown_return_values(ddb_raw, table):
    with pytest.raises(ClientError) as e:
        ddb_raw.put_item(TableName=table, Item={"pk": {"S": "x"}}, ReturnValues="SOMETIMES")
    assert_error(e, "ValidationException", contains="Member must satisfy enum value set")


def test_delete_item_and_return_values(ddb, table):
    ddb.put_item(TableName=table, Item={"pk": {"S": "d"}, "v": {"S": "old"}})
    r = ddb.delete_item(TableName=table, Key={"pk": {"S": "d"}}, ReturnValues="ALL_OLD")
    assert r["Attributes"] == {"pk": {"S": "d"}, "v": {"S": "old"}}
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "d"}}, ConsistentRead=True)
    # Deleting again is not an error and returns nothing.
    r = ddb.delete_item(TableName=table, Key={"pk": {"S": "d"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in r
    ddb.put_item(TableName=table, Item={"pk": {"S": "d2"}})
    r = ddb.delete_item(TableName=table, Key={"pk": {"S": "d2"}})
    assert "Attributes" not in r
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "d2"}})


def test_delete_invalid_return_values(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"pk": {"S": "x"}}, ReturnValues="ALL_NEW")
    assert_error(e, "ValidationException", "ReturnValues can only be ALL_OLD or NONE")


# --- key errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        {"wrong": {"S": "a"}},
        {"pk": {"S": "a"}, "extra": {"S": "b"}},
        {"pk": {"N": "1"}},
        {"pk": {"B": b"a"}},
    ],
    ids=["wrong-name", "extra-attr", "wrong-type-N", "wrong-type-B"],
)
def test_get_key_does_not_match_schema(ddb, table, key):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key=key)
    assert_error(e, "ValidationException", KEY_MISMATCH)


@pytest.mark.parametrize(
    "key",
    [
        {"pk": {"S": "a"}},
        {"sk": {"N": "1"}},
        {"pk": {"S": "a"}, "sk": {"S": "1"}},
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "x": {"S": "y"}},
    ],
    ids=["missing-range", "missing-hash", "range-wrong-type", "extra"],
)
def test_get_key_does_not_match_schema_hash_range(ddb, range_table, key):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=range_table, Key=key)
    assert_error(e, "ValidationException", KEY_MISMATCH)


def test_delete_key_does_not_match_schema(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key={"other": {"S": "a"}})
    assert_error(e, "ValidationException", KEY_MISMATCH)


def test_put_missing_key(ddb, table, range_table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"other": {"S": "a"}})
    assert_error(e, "ValidationException", "One or more parameter values were invalid: Missing the key pk in the item")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "a"}})
    assert_error(e, "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item")


def test_put_key_type_mismatch(ddb, table, range_table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"N": "1"}})
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
    )
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=range_table, Item={"pk": {"S": "a"}, "sk": {"S": "1"}})
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
    )


def test_put_empty_string_key(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": ""}})
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
        "contain an empty string value. Key: pk",
    )


def test_put_empty_binary_key(ddb, make_table):
    name = make_table(hash_key=("id", "B"))
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=name, Item={"id": {"B": b""}})
    assert_error(e, "ValidationException", startswith="One or more parameter values are not valid.")


def test_hash_key_size_limit(ddb, table):
    ok = "k" * 2048
    ddb.put_item(TableName=table, Item={"pk": {"S": ok}})
    assert ddb.get_item(TableName=table, Key={"pk": {"S": ok}})["Item"]["pk"]["S"] == ok
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "k" * 2049}})
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    )
    # Multi-byte characters count in UTF-8 bytes: 683 * 3 = 2049.
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "€" * 683}})
    assert_error(e, "ValidationException", contains="Size of hashkey has exceeded the maximum size limit")


def test_range_key_size_limit(ddb, make_table):
    name = make_table(range_key=("sk", "S"))
    ok = "r" * 1024
    ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": ok}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": ok}})["Item"]["sk"]["S"] == ok
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": "r" * 1025}})
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )


def test_get_with_oversized_key(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key={"pk": {"S": "k" * 2049}})
    assert_error(e, "ValidationException", contains="Size of hashkey has exceeded the maximum size limit")


# --- item size -----------------------------------------------------------------------------------


def test_item_size_limit(ddb, table):
    # Size = attribute name bytes + value bytes: "pk"(2) + "a"(1) + "data"(4) + value.
    exact = 400 * 1024 - (2 + 1 + 4)
    ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "data": {"S": "x" * exact}})
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]
    assert len(got["data"]["S"]) == exact
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "data": {"S": "x" * (exact + 1)}})
    assert_error(e, "ValidationException", "Item size has exceeded the maximum allowed size")
    # The old item is untouched.
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})["Item"]
    assert len(got["data"]["S"]) == exact


def _nested_maps(levels):
    value = {"S": "leaf"}
    for _ in range(levels):
        value = {"M": {"n": value}}
    return value


@pytest.mark.parametrize("op", ["put_item", "batch_write_item", "transact_write_items"])
def test_nesting_limit_on_whole_item_writes(ddb, table, op):
    def write(levels):
        item = {"pk": {"S": "deep"}, "d": _nested_maps(levels)}
        if op == "put_item":
            ddb.put_item(TableName=table, Item=item)
        elif op == "batch_write_item":
            ddb.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": item}}]})
        else:
            ddb.transact_write_items(TransactItems=[{"Put": {"TableName": table, "Item": item}}])

    # 32 levels counting the attribute itself: 31 maps hold, 32 do not.
    write(31)
    got = ddb.get_item(TableName=table, Key={"pk": {"S": "deep"}})["Item"]
    assert got["d"] == _nested_maps(31)
    with pytest.raises(ClientError) as e:
        write(32)
    assert_error(
        e,
        "ValidationException",
        "Nesting Levels have exceeded supported limits: "
        "Attributes in the item have nested levels beyond supported limit",
    )
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "deep"}})["Item"]["d"] == _nested_maps(31)


def test_item_size_counts_nested_and_binary(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "big"}, "m": {"M": {"x": {"B": b"\x00" * 300_000}, "y": {"L": [{"S": "y" * 120_000}]}}}},
        )
    assert_error(e, "ValidationException", "Item size has exceeded the maximum allowed size")


# --- malformed attribute values -----------------------------------------------------------------


def test_empty_sets(ddb_raw, table):
    cases = [
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
    ]
    for value, message in cases:
        with pytest.raises(ClientError) as e:
            ddb_raw.put_item(TableName=table, Item={"pk": {"S": "x"}, "s": value})
        assert_error(e, "ValidationException", message)


def test_duplicate_set_values(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "s": {"SS": ["a", "a"]}})
    assert_error(e, "ValidationException", "One or more parameter values were invalid: Input collection [a, a] contains duplicates.")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "s": {"NS": ["1", "1"]}})
    assert_error(e, "ValidationException", contains="contains duplicates")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "s": {"BS": [b"a", b"a"]}})
    assert_error(e, "ValidationException", contains="contains duplicates")
    assert "Item" not in ddb.get_item(TableName=table, Key={"pk": {"S": "x"}})


def test_attribute_value_with_no_or_two_types(ddb_raw, table):
    with pytest.raises(ClientError) as e:
        ddb_raw.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {}})
    assert_error(e, "ValidationException", contains="must contain exactly one of the supported datatypes")
    with pytest.raises(ClientError) as e:
        ddb_raw.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"S": "a", "N": "1"}})
    assert_error(e, "ValidationException", contains="must contain exactly one of the supported datatypes")


def test_null_false_rejected(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item={"pk": {"S": "x"}, "v": {"NULL": False}})
    assert_error(e, "ValidationException", contains="Null attribute value types must have the value of true")


def test_put_missing_item(ddb_raw, table):
    with pytest.raises(ClientError) as e:
        ddb_raw.put_item(TableName=table)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null",
    )


def test_get_missing_key(ddb_raw, table):
    with pytest.raises(ClientError) as e:
        ddb_raw.get_item(TableName=table)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value null at 'key' failed to satisfy constraint: Member must not be null",
    )


# --- missing table --------------------------------------------------------------------------------


def test_item_operations_on_missing_table(ddb):
    name = unique_name("missing")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert_error(e, "ResourceNotFoundException", startswith="Requested resource not found")
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
    assert_error(e, "ResourceNotFoundException", startswith="Requested resource not found")
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    assert_error(e, "ResourceNotFoundException", startswith="Requested resource not found")


def test_items_gone_after_table_deleted(ddb):
    name = unique_name()
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})
    assert_error(e, "ResourceNotFoundException")


# --- consumed capacity -------------------------------------------------------------------------


def test_consumed_capacity_of_single_item_operations(ddb, table):
    # 1,500 bytes of value plus names and key: two started KB to write, one 4 KB unit to read.
    big = {"pk": {"S": "cap"}, "v": {"S": "x" * 1500}}
    put = ddb.put_item(TableName=table, Item=big, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 2.0}

    got = ddb.get_item(TableName=table, Key={"pk": {"S": "cap"}}, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}
    got = ddb.get_item(
        TableName=table, Key={"pk": {"S": "cap"}}, ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert got["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}

    def set_w(length, report):
        return ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "cap"}},
            UpdateExpression="SET w = :w",
            ExpressionAttributeValues={":w": {"S": "y" * length}},
            ReturnConsumedCapacity=report,
        )

    # INDEXES adds the table's own share (the table has no secondary indexes).
    upd = set_w(5000, "INDEXES")
    assert upd["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 7.0,
        "Table": {"CapacityUnits": 7.0},
    }
    got = ddb.get_item(
        TableName=table, Key={"pk": {"S": "cap"}}, ConsistentRead=True, ReturnConsumedCapacity="INDEXES"
    )
    assert got["ConsumedCapacity"] == {
        "TableName": table,
        "CapacityUnits": 2.0,
        "Table": {"CapacityUnits": 2.0},
    }

    # Replacing an item costs the larger of the old and the new one; a delete, the old one.
    put = ddb.put_item(
        TableName=table, Item={"pk": {"S": "cap"}}, ReturnConsumedCapacity="TOTAL"
    )
    assert put["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 7.0}
    shrink = set_w(3000, "TOTAL")
    assert shrink["ConsumedCapacity"]["CapacityUnits"] == 3.0
    shrink = ddb.update_item(
        TableName=table,
        Key={"pk": {"S": "cap"}},
        UpdateExpression="REMOVE w",
        ReturnConsumedCapacity="TOTAL",
    )
    assert shrink["ConsumedCapacity"]["CapacityUnits"] == 3.0
    deleted = ddb.delete_item(TableName=table, Key={"pk": {"S": "cap"}}, ReturnConsumedCapacity="TOTAL")
    assert deleted["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}
    deleted = ddb.delete_item(TableName=table, Key={"pk": {"S": "cap"}}, ReturnConsumedCapacity="NONE")
    assert "ConsumedCapacity" not in deleted
