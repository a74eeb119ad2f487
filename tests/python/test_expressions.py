"""Expressions end to end through boto3: UpdateItem clauses and ReturnValues, conditions on
PutItem/UpdateItem/DeleteItem, projections on GetItem, the legacy parameters, DynamoDB's
validation messages, and bad input that must change nothing."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import assert_error

VALIDATION = "ValidationException"
CCF = "ConditionalCheckFailedException"
CCF_MESSAGE = "The conditional request failed"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"
INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"

KEY = {"pk": {"S": "k"}}


# --- helpers -----------------------------------------------------------------------------------


def S(v):
    return {"S": v}


def N(v):
    return {"N": str(v)}


def L(*vs):
    return {"L": list(vs)}


def M(**kv):
    return {"M": kv}


def normalized(value):
    """Sets sorted (their wire order is unspecified), recursively."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("SS", "NS", "BS"):
                out[k] = sorted(v)
            else:
                out[k] = normalized(v)
        return out
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def put(ddb, table, item):
    ddb.put_item(TableName=table, Item=item)


def get(ddb, table, key=KEY):
    return ddb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def update(ddb, table, expression, values=None, names=None, key=KEY, **kw):
    params = dict(TableName=table, Key=key, UpdateExpression=expression, **kw)
    if values is not None:
        params["ExpressionAttributeValues"] = values
    if names is not None:
        params["ExpressionAttributeNames"] = names
    return ddb.update_item(**params)


def updated(ddb, table, expression, values=None, names=None, key=KEY):
    """Runs the update and returns the item read back."""
    update(ddb, table, expression, values, names, key)
    return get(ddb, table, key)


# --- SET ---------------------------------------------------------------------------------------


def test_set_plus_and_minus(ddb, table):
    put(ddb, table, {**KEY, "n": N(10)})
    got = updated(ddb, table, "SET a = n + :five, b = n - :three, c = :five - n",
                  {":five": N(5), ":three": N(3)})
    assert got == {**KEY, "n": N(10), "a": N(15), "b": N(7), "c": N(-5)}


def test_set_arithmetic_is_exact_decimal(ddb, table):
    put(ddb, table, {**KEY, "x": N("0.1")})
    got = updated(ddb, table, "SET x = x + :y", {":y": N("0.2")})
    assert got["x"] == N("0.3")
    got = updated(ddb, table, "SET big = :a + :b",
                  {":a": N("12345678901234567890123456789012345678"), ":b": N("1")})
    assert got["big"] == N("12345678901234567890123456789012345679")


def test_set_reads_every_operand_from_the_old_item(ddb, table):
    put(ddb, table, {**KEY, "a": N(1), "b": N(2)})
    got = updated(ddb, table, "SET a = b, b = a")
    assert got == {**KEY, "a": N(2), "b": N(1)}


def test_set_list_append_both_ends(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("b"))})
    got = updated(ddb, table, "SET l = list_append(l, :tail)", {":tail": L(S("c"), S("d"))})
    assert got["l"] == L(S("b"), S("c"), S("d"))
    got = updated(ddb, table, "SET l = list_append(:head, l)", {":head": L(S("a"))})
    assert got["l"] == L(S("a"), S("b"), S("c"), S("d"))


def test_set_if_not_exists(ddb, table):
    put(ddb, table, {**KEY, "existing": N(7)})
    got = updated(ddb, table,
                  "SET existing = if_not_exists(existing, :zero), fresh = if_not_exists(fresh, :zero), "
                  "hits = if_not_exists(hits, :zero) + :one",
                  {":zero": N(0), ":one": N(1)})
    assert got == {**KEY, "existing": N(7), "fresh": N(0), "hits": N(1)}
    got = updated(ddb, table, "SET hits = if_not_exists(hits, :zero) + :one",
                  {":zero": N(0), ":one": N(1)})
    assert got["hits"] == N(2)


def test_set_nested_map_paths(ddb, table):
    put(ddb, table, {**KEY, "m": M(nest=M(x=N(1)), keep=S("k"))})
    got = updated(ddb, table, "SET m.nest.x = :v, m.nest.y = :w, m.#new = :w",
                  {":v": N(2), ":w": S("w")}, {"#new": "new key"})
    assert got["m"] == M(nest=M(x=N(2), y=S("w")), keep=S("k"), **{"new key": S("w")})


def test_set_under_a_missing_parent_is_invalid(ddb, table):
    put(ddb, table, {**KEY, "m": M()})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET nope.child = :v", {":v": N(1)})
    assert_error(e, VALIDATION, INVALID_PATH)
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET m.a.b = :v", {":v": N(1)})
    assert_error(e, VALIDATION, INVALID_PATH)
    assert get(ddb, table) == {**KEY, "m": M()}


def test_invalid_paths_for_update(ddb, table):
    original = {**KEY, "s": S("text"), "l": L(N(1)), "m": M(x=N(1))}
    put(ddb, table, original)
    for expression in ("SET s[0] = :v", "SET s.x = :v", "SET absent[0] = :v", "SET l.x = :v",
                       "SET m[0] = :v", "REMOVE s.x", "REMOVE absent.x", "REMOVE m[0]"):
        with pytest.raises(ClientError) as e:
            update(ddb, table, expression, {":v": N(1)} if ":v" in expression else None)
        assert_error(e, VALIDATION, INVALID_PATH)
    assert get(ddb, table) == original
    # on a missing item there is no parent either: nothing is created
    key = {"pk": S("nothing-here")}
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET m.x = :v", {":v": N(1)}, key=key)
    assert_error(e, VALIDATION, INVALID_PATH)
    assert get(ddb, table, key) is None


def test_unicode_names_and_values(ddb, table):
    name = "héllo wörld ✓"
    put(ddb, table, {**KEY, name: S("ünïcödé"), "m": M(**{"ключ": N(1)})})
    got = updated(ddb, table, "SET #u = :v, m.#k = m.#k + :one",
                  {":v": S("日本語"), ":one": N(1)}, {"#u": name, "#k": "ключ"})
    assert got == {**KEY, name: S("日本語"), "m": M(**{"ключ": N(2)})}
    ddb.put_item(TableName=table, Item=got, ConditionExpression="begins_with(#u, :p)",
                 ExpressionAttributeNames={"#u": name}, ExpressionAttributeValues={":p": S("日本")})
    out = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="#u, m.#k",
                       ExpressionAttributeNames={"#u": name, "#k": "ключ"})
    assert out["Item"] == {name: S("日本語"), "m": M(**{"ключ": N(2)})}


def test_item_size_limit_applies_to_the_updated_item(ddb, table):
    chunk = "x" * 150_000
    put(ddb, table, {**KEY, "a": S(chunk), "b": S(chunk)})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET c = a", None)
    assert_error(e, VALIDATION, "Item size to update has exceeded the maximum allowed size")
    assert set(get(ddb, table)) == {"pk", "a", "b"}


def test_set_list_elements_and_appending_past_the_end(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("a"), S("b")), "m": M(l=L(N(1), N(2)))})
    got = updated(ddb, table, "SET l[0] = :x, l[7] = :y, m.l[1] = :z",
                  {":x": S("A"), ":y": S("c"), ":z": N(20)})
    assert got["l"] == L(S("A"), S("b"), S("c"))
    assert got["m"] == M(l=L(N(1), N(20)))
    # several appends land in index order
    got = updated(ddb, table, "SET l[20] = :second, l[10] = :first",
                  {":first": S("d"), ":second": S("e")})
    assert got["l"] == L(S("A"), S("b"), S("c"), S("d"), S("e"))


def test_list_indexes_past_4294967294_are_out_of_range(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("a"))})
    # The largest index DynamoDB allows still appends...
    assert updated(ddb, table, "SET l[4294967294] = :v", {":v": S("b")})["l"] == L(S("a"), S("b"))
    # ...one more, or any number of digits, is out of range, not a syntax error.
    for index in ("4294967295", "18446744073709551616"):
        with pytest.raises(ClientError) as e:
            update(ddb, table, f"SET l[{index}] = :v", {":v": S("c")})
        assert_error(e, VALIDATION, "Invalid UpdateExpression: List index is not within the "
                                    f"allowable range; index: [{index}]")
        with pytest.raises(ClientError) as e:
            ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=f"l[{index}]")
        assert_error(e, VALIDATION, "Invalid ProjectionExpression: List index is not within the "
                                    f"allowable range; index: [{index}]")
    assert get(ddb, table)["l"] == L(S("a"), S("b"))


def test_set_from_a_missing_attribute_fails(ddb, table):
    put(ddb, table, {**KEY, "n": N(1)})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET n = absent + :one", {":one": N(1)})
    assert_error(e, VALIDATION, MISSING_ATTRIBUTE)
    assert get(ddb, table) == {**KEY, "n": N(1)}


def test_set_arithmetic_on_a_string_attribute_fails(ddb, table):
    put(ddb, table, {**KEY, "s": S("text")})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET s = s + :one", {":one": N(1)})
    assert_error(e, VALIDATION, WRONG_TYPE)
    assert get(ddb, table) == {**KEY, "s": S("text")}


# --- REMOVE ------------------------------------------------------------------------------------


def test_remove_attributes_and_map_keys(ddb, table):
    put(ddb, table, {**KEY, "a": N(1), "b": N(2), "m": M(x=N(1), y=M(z=N(2), w=N(3)))})
    got = updated(ddb, table, "REMOVE a, m.x, m.y.z, never, m.never")
    assert got == {**KEY, "b": N(2), "m": M(y=M(w=N(3)))}


def test_remove_several_elements_of_one_list(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("a"), S("b"), S("c"), S("d"), S("e"))})
    # Indexes name positions in the original list, whatever order they are written in.
    got = updated(ddb, table, "REMOVE l[3], l[0], l[2], l[9]")
    assert got["l"] == L(S("b"), S("e"))


def test_remove_and_set_in_one_list(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("a"), S("b"), S("c"))})
    got = updated(ddb, table, "SET l[2] = :v REMOVE l[0]", {":v": S("C")})
    assert got["l"] == L(S("b"), S("C"))


# --- ADD ---------------------------------------------------------------------------------------


def test_add_numbers(ddb, table):
    put(ddb, table, {**KEY, "n": N(5)})
    got = updated(ddb, table, "ADD n :three, fresh :minus", {":three": N(3), ":minus": N("-1.5")})
    assert got == {**KEY, "n": N(8), "fresh": N("-1.5")}


def test_add_sets(ddb, table):
    put(ddb, table, {**KEY, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1"]},
                     "bs": {"BS": [b"\x01"]}})
    got = updated(ddb, table, "ADD ss :ss, ns :ns, bs :bs, newset :ss",
                  {":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["1", "2.50"]},
                   ":bs": {"BS": [b"\x02"]}})
    assert normalized(got) == normalized({
        **KEY,
        "ss": {"SS": ["a", "b", "c"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"\x01", b"\x02"]},
        "newset": {"SS": ["b", "c"]},
    })


def test_add_creates_the_item(ddb, table):
    key = {"pk": S("counter")}
    got = updated(ddb, table, "ADD hits :one, tags :t",
                  {":one": N(1), ":t": {"SS": ["x"]}}, key=key)
    assert got == {**key, "hits": N(1), "tags": {"SS": ["x"]}}


def test_add_of_the_wrong_type_fails(ddb, table):
    put(ddb, table, {**KEY, "s": S("text"), "ns": {"NS": ["1"]}})
    for expression, values in [
        ("ADD s :one", {":one": N(1)}),
        ("ADD ns :ss", {":ss": {"SS": ["a"]}}),
    ]:
        with pytest.raises(ClientError) as e:
            update(ddb, table, expression, values)
        assert_error(e, VALIDATION, WRONG_TYPE)
    assert get(ddb, table) == {**KEY, "s": S("text"), "ns": {"NS": ["1"]}}


# --- DELETE ------------------------------------------------------------------------------------


def test_delete_set_elements(ddb, table):
    put(ddb, table, {**KEY, "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2"]}})
    got = updated(ddb, table, "DELETE ss :gone, ns :n, absent :gone",
                  {":gone": {"SS": ["a", "zzz"]}, ":n": {"NS": ["2"]}})
    assert normalized(got) == {**KEY, "ss": {"SS": ["b", "c"]}, "ns": {"NS": ["1"]}}


def test_delete_emptying_a_set_removes_the_attribute(ddb, table):
    put(ddb, table, {**KEY, "ss": {"SS": ["a", "b"]}, "other": N(1)})
    got = updated(ddb, table, "DELETE ss :all", {":all": {"SS": ["a", "b"]}})
    assert got == {**KEY, "other": N(1)}


def test_delete_from_a_set_of_another_type_fails(ddb, table):
    put(ddb, table, {**KEY, "ns": {"NS": ["1"]}})
    with pytest.raises(ClientError) as e:
        update(ddb, table, "DELETE ns :ss", {":ss": {"SS": ["1"]}})
    assert_error(e, VALIDATION, WRONG_TYPE)


# --- upsert and ReturnValues -------------------------------------------------------------------


def test_update_creates_a_missing_item(ddb, table):
    key = {"pk": S("new")}
    out = update(ddb, table, "SET a = :v, m = :m", {":v": S("x"), ":m": M(k=N(1))}, key=key)
    assert "Attributes" not in out
    assert get(ddb, table, key) == {**key, "a": S("x"), "m": M(k=N(1))}


def test_update_with_only_remove_creates_the_key_only_item(ddb, table):
    key = {"pk": S("only-key")}
    update(ddb, table, "REMOVE a", key=key)
    assert get(ddb, table, key) == key


def test_update_on_a_hash_range_table(ddb, range_table):
    key = {"pk": S("p"), "sk": N(1)}
    update(ddb, range_table, "SET v = :v", {":v": S("x")}, key=key)
    assert get(ddb, range_table, key) == {**key, "v": S("x")}


OLD = {
    **KEY,
    "a": N(1),
    "m": M(x=N(1), y=N(2)),
    "l": L(N(10), N(20), N(30)),
    "gone": S("bye"),
    "keep": S("same"),
}
RV_UPDATE = "SET a = a + :one, m.x = :ten, l[1] = :v, added = :v REMOVE gone"
RV_VALUES = {":one": N(1), ":ten": N(10), ":v": S("v")}
NEW = {
    **KEY,
    "a": N(2),
    "m": M(x=N(10), y=N(2)),
    "l": L(N(10), S("v"), N(30)),
    "added": S("v"),
    "keep": S("same"),
}


@pytest.mark.parametrize("mode, expected", [
    ("NONE", None),
    ("ALL_OLD", OLD),
    # only the touched attributes, nested ones as sparse documents; `added` did not exist
    ("UPDATED_OLD", {"a": N(1), "m": M(x=N(1)), "l": L(N(20)), "gone": S("bye")}),
    ("ALL_NEW", NEW),
    # `gone` no longer exists
    ("UPDATED_NEW", {"a": N(2), "m": M(x=N(10)), "l": L(S("v")), "added": S("v")}),
])
def test_update_return_values(ddb, table, mode, expected):
    put(ddb, table, OLD)
    out = update(ddb, table, RV_UPDATE, RV_VALUES, ReturnValues=mode)
    assert out.get("Attributes") == expected
    assert get(ddb, table) == NEW


@pytest.mark.parametrize("mode, expected", [
    ("NONE", None),
    ("ALL_OLD", None),
    ("UPDATED_OLD", None),
    ("ALL_NEW", {**KEY, "a": N(1), "b": M(c=N(2))}),
    ("UPDATED_NEW", {"a": N(1), "b": M(c=N(2))}),
])
def test_return_values_of_an_upsert(ddb, table, mode, expected):
    out = update(ddb, table, "SET a = :one, b = :b", {":one": N(1), ":b": M(c=N(2))},
                 ReturnValues=mode)
    assert out.get("Attributes") == expected


def test_updated_new_after_an_append_names_where_it_landed(ddb, table):
    put(ddb, table, {**KEY, "l": L(S("a"))})
    out = update(ddb, table, "SET l[5] = :v ADD n :one", {":v": S("b"), ":one": N(1)},
                 ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"l": L(S("b")), "n": N(1)}


def test_put_and_delete_accept_only_all_old_or_none(ddb, table):
    for mode in ("ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"):
        with pytest.raises(ClientError) as e:
            ddb.put_item(TableName=table, Item=KEY, ReturnValues=mode)
        assert_error(e, VALIDATION, "ReturnValues can only be ALL_OLD or NONE")
        with pytest.raises(ClientError) as e:
            ddb.delete_item(TableName=table, Key=KEY, ReturnValues=mode)
        assert_error(e, VALIDATION, "ReturnValues can only be ALL_OLD or NONE")


# --- conditions --------------------------------------------------------------------------------

COND_ITEM = {
    **KEY,
    "n": N(5),
    "s": S("hello"),
    "blank": S(""),
    "bin": {"B": b"\x01\x02\x03"},
    "t": {"BOOL": True},
    "nul": {"NULL": True},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2", "3"]},
    "bs": {"BS": [b"\x01"]},
    "l": L(S("x"), N(1), M(k=S("v"))),
    "m": M(k=S("v"), nest=M(deep=N(1))),
}
COND_VALUES = {
    ":1": N(1), ":2": N(2), ":4": N(4), ":5": N(5), ":6": N(6), ":9": N(9), ":5dec": N("5.00"),
    ":hello": S("hello"), ":he": S("he"), ":lo": S("lo"), ":ell": S("ell"), ":x": S("x"),
    ":a": S("a"), ":z": S("z"), ":zzz": S("zzz"), ":b01": {"B": b"\x01"}, ":b02": {"B": b"\x02"},
    ":true": {"BOOL": True}, ":null": {"NULL": True}, ":listx": L(S("x")),
    ":mapkv": M(k=S("v")),
    ":S": S("S"), ":N": S("N"), ":B": S("B"), ":BOOL": S("BOOL"), ":NULL": S("NULL"),
    ":SS": S("SS"), ":NS": S("NS"), ":BS": S("BS"), ":L": S("L"), ":M": S("M"),
}

CONDITIONS = [
    # comparators on numbers, strings, binary
    ("n = :5", True), ("n = :5dec", True), ("n = :4", False),
    ("n <> :4", True), ("n <> :5", False),
    ("n < :6", True), ("n < :5", False),
    ("n <= :5", True), ("n <= :4", False),
    ("n > :4", True), ("n > :5", False),
    ("n >= :5", True), ("n >= :6", False),
    ("s = :hello", True), ("s < :z", True), ("s > :z", False), ("s >= :he", True),
    ("bin > :b01", True), ("bin < :b02", True),
    ("t = :true", True), ("nul = :null", True), ("l[0] = :x", True),
    ("m.k = :x", False), ("l[2] = :mapkv", True), ("m.nest.deep = :1", True),
    # different types never compare, a missing attribute is only unequal
    ("n = :hello", False), ("n <> :hello", True), ("n < :hello", False),
    ("absent = :5", False), ("absent <> :5", True), ("absent < :5", False),
    ("n = n2", False),
    # BETWEEN and IN
    ("n BETWEEN :1 AND :5", True), ("n BETWEEN :5 AND :9", True), ("n BETWEEN :6 AND :9", False),
    ("s BETWEEN :a AND :z", True), ("n BETWEEN :a AND :z", False),
    ("n IN (:1, :2, :5)", True), ("n IN (:1, :2)", False), ("s IN (:he, :hello)", True),
    ("absent IN (:1)", False),
    # precedence: NOT binds tighter than AND, AND tighter than OR
    ("n = :5 OR n = :1 AND n = :2", True),
    ("(n = :5 OR n = :1) AND n = :2", False),
    ("n = :1 AND n = :2 OR n = :5", True),
    ("n = :1 AND (n = :2 OR n = :5)", False),
    ("NOT n = :5 AND n = :1", False),
    ("NOT (n = :1 OR n = :5)", False),
    ("NOT n = :5 OR n = :5", True),
    ("NOT NOT n = :5", True),
    ("not n = :1 and n = :5", True),
    # attribute_exists / attribute_not_exists
    ("attribute_exists(s)", True), ("attribute_exists(absent)", False),
    ("attribute_exists(m.nest.deep)", True), ("attribute_exists(m.nope)", False),
    ("attribute_exists(l[2].k)", True), ("attribute_exists(l[3])", False),
    ("attribute_exists(nul)", True),
    ("attribute_not_exists(absent)", True), ("attribute_not_exists(s)", False),
    ("attribute_not_exists(l[9])", True),
    # attribute_type
    ("attribute_type(s, :S)", True), ("attribute_type(n, :N)", True),
    ("attribute_type(bin, :B)", True), ("attribute_type(t, :BOOL)", True),
    ("attribute_type(nul, :NULL)", True), ("attribute_type(ss, :SS)", True),
    ("attribute_type(ns, :NS)", True), ("attribute_type(bs, :BS)", True),
    ("attribute_type(l, :L)", True), ("attribute_type(m, :M)", True),
    ("attribute_type(n, :S)", False), ("attribute_type(absent, :S)", False),
    ("attribute_type(l[1], :N)", True),
    # begins_with on strings and binary
    ("begins_with(s, :he)", True), ("begins_with(s, :lo)", False),
    ("begins_with(s, :hello)", True), ("begins_with(bin, :b01)", True),
    ("begins_with(bin, :b02)", False), ("begins_with(absent, :he)", False),
    ("begins_with(ss, :a)", False),
    # contains on strings, sets and lists
    ("contains(s, :ell)", True), ("contains(s, :z)", False),
    ("contains(ss, :a)", True), ("contains(ss, :z)", False),
    ("contains(ns, :2)", True), ("contains(ns, :9)", False),
    ("contains(bs, :b01)", True), ("contains(bs, :b02)", False),
    ("contains(l, :x)", True), ("contains(l, :1)", True), ("contains(l, :mapkv)", True),
    ("contains(l, :zzz)", False), ("contains(absent, :a)", False),
    # size of each type
    ("size(s) = :5", True), ("size(blank) < :1", True), ("size(bin) BETWEEN :2 AND :4", True),
    ("size(ss) = :2", True), ("size(ns) = :2", False), ("size(bs) = :1", True),
    ("size(l) = :2", False), ("size(l) > :2", True), ("size(m) = :2", True),
    ("size(m.nest) = :1", True), ("size(absent) = :1", False),
    ("size(s) > size(ss)", True), ("size(s) IN (:4, :5)", True),
]


def _condition_values(expression):
    return {k: v for k, v in COND_VALUES.items() if _uses(expression, k)}


def _uses(expression, placeholder):
    return re.search(re.escape(placeholder) + r"(?![A-Za-z0-9_])", expression) is not None


@pytest.mark.parametrize("expression, holds", CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_condition_on_put_update_delete(ddb, table, expression, holds):
    values = _condition_values(expression)
    kw = dict(ConditionExpression=expression)
    if values:
        kw["ExpressionAttributeValues"] = values

    def attempt(call, **params):
        if holds:
            call(**params, **kw)
        else:
            with pytest.raises(ClientError) as e:
                call(**params, **kw)
            assert_error(e, CCF, CCF_MESSAGE)

    put(ddb, table, COND_ITEM)
    attempt(ddb.put_item, TableName=table, Item={**COND_ITEM, "marker": S("put")})
    assert get(ddb, table).get("marker") == (S("put") if holds else None)

    put(ddb, table, COND_ITEM)
    update_values = {**values, ":marker": S("update")}
    params = dict(TableName=table, Key=KEY, UpdateExpression="SET marker = :marker")
    if holds:
        ddb.update_item(**params, ConditionExpression=expression,
                        ExpressionAttributeValues=update_values)
        assert get(ddb, table).get("marker") == S("update")
    else:
        with pytest.raises(ClientError) as e:
            ddb.update_item(**params, ConditionExpression=expression,
                            ExpressionAttributeValues=update_values)
        assert_error(e, CCF, CCF_MESSAGE)
        assert get(ddb, table) == COND_ITEM

    put(ddb, table, COND_ITEM)
    attempt(ddb.delete_item, TableName=table, Key=KEY)
    assert get(ddb, table) == (None if holds else COND_ITEM)


def test_conditions_with_name_placeholders(ddb, table):
    put(ddb, table, {**KEY, "name": S("x"), "a.b": N(1), "m": M(**{"a.b": N(2)})})
    ddb.put_item(
        TableName=table,
        Item={**KEY, "done": {"BOOL": True}},
        ConditionExpression="#name = :x AND #dotted = :1 AND m.#dotted = :2",
        ExpressionAttributeNames={"#name": "name", "#dotted": "a.b"},
        ExpressionAttributeValues={":x": S("x"), ":1": N(1), ":2": N(2)},
    )
    assert get(ddb, table) == {**KEY, "done": {"BOOL": True}}


def test_condition_on_a_missing_item(ddb, table):
    key = {"pk": S("absent")}
    ddb.put_item(TableName=table, Item=key, ConditionExpression="attribute_not_exists(pk)")
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item=key, ConditionExpression="attribute_not_exists(pk)")
    assert_error(e, CCF, CCF_MESSAGE)
    other = {"pk": S("absent2")}
    with pytest.raises(ClientError) as e:
        ddb.update_item(TableName=table, Key=other, UpdateExpression="SET a = :v",
                        ConditionExpression="attribute_exists(pk)",
                        ExpressionAttributeValues={":v": N(1)},
                        ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_error(e, CCF, CCF_MESSAGE)
    assert "Item" not in e.value.response
    assert get(ddb, table, other) is None
    with pytest.raises(ClientError) as e:
        ddb.delete_item(TableName=table, Key=other, ConditionExpression="attribute_exists(pk)")
    assert_error(e, CCF, CCF_MESSAGE)


@pytest.mark.parametrize("operation", ["put", "update", "delete"])
def test_return_values_on_condition_check_failure(ddb, table, operation):
    item = {**KEY, "v": N(1), "bin": {"B": b"\x00\xff"}, "ss": {"SS": ["a"]}}
    put(ddb, table, item)
    common = dict(TableName=table, ConditionExpression="v = :two",
                  ExpressionAttributeValues={":two": N(2)})
    calls = {
        "put": lambda **kw: ddb.put_item(Item={**KEY, "v": N(9)}, **common, **kw),
        "update": lambda **kw: ddb.update_item(
            Key=KEY, UpdateExpression="SET v = :two", **common, **kw),
        "delete": lambda **kw: ddb.delete_item(Key=KEY, **common, **kw),
    }
    with pytest.raises(ClientError) as e:
        calls[operation](ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert_error(e, CCF, CCF_MESSAGE)
    assert e.value.response["Item"] == item
    with pytest.raises(ClientError) as e:
        calls[operation](ReturnValuesOnConditionCheckFailure="NONE")
    assert_error(e, CCF, CCF_MESSAGE)
    assert "Item" not in e.value.response
    with pytest.raises(ClientError) as e:
        calls[operation]()
    assert "Item" not in e.value.response
    assert get(ddb, table) == item


def test_condition_and_update_share_placeholders(ddb, table):
    put(ddb, table, {**KEY, "version": N(3)})
    update(ddb, table, "SET version = version + :one", {":one": N(1), ":three": N(3)},
           ConditionExpression="version = :three")
    assert get(ddb, table)["version"] == N(4)
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET version = version + :one", {":one": N(1), ":three": N(3)},
               ConditionExpression="version = :three")
    assert_error(e, CCF, CCF_MESSAGE)


def test_condition_functions_check_operand_types(ddb, table):
    put(ddb, table, COND_ITEM)
    cases = [
        ("size(:n) = :n", {":n": N(1)},
         "Invalid ConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: size, operand type: N"),
        ("begins_with(s, :n)", {":n": N(1)},
         "Invalid ConditionExpression: Incorrect operand type for operator or function; "
         "operator or function: begins_with, operand type: N"),
        ("attribute_type(s, :t)", {":t": S("STRING")},
         "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
         "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
        ("attribute_exists(:n)", {":n": N(1)},
         "Invalid ConditionExpression: Operator or function requires a document path; "
         "operator or function: attribute_exists"),
        ("nope(s)", None, "Invalid ConditionExpression: Invalid function name; function: nope"),
        ("if_not_exists(s, :n) = :n", {":n": N(1)},
         "Invalid ConditionExpression: The function is not allowed in a condition expression; "
         "function: if_not_exists"),
        ("size(list_append(l, :l)) > :n", {":l": L(), ":n": N(1)},
         "Invalid ConditionExpression: The function is not allowed in a condition expression; "
         "function: list_append"),
        ("begins_with(s)", None,
         "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
         "operator or function: begins_with, number of operands: 1"),
        ("size(s)", None,
         "Invalid ConditionExpression: The function is not allowed to be used this way in an "
         "expression; function: size"),
        ("n BETWEEN :9 AND :1", {":9": N(9), ":1": N(1)},
         "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater "
         "than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, upper bound "
         "operand: AttributeValue: {N:1}"),
    ]
    for expression, values, message in cases:
        kw = {"ExpressionAttributeValues": values} if values else {}
        with pytest.raises(ClientError) as e:
            ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression, **kw)
        assert_error(e, VALIDATION, message)
    assert get(ddb, table) == COND_ITEM


# --- projections -------------------------------------------------------------------------------

PROJ_ITEM = {
    **KEY,
    "a": S("a"),
    "b": N(2),
    "name": S("reserved"),
    "m": M(x=M(y=S("deep"), z=S("other")), w=N(1)),
    "l": L(S("l0"), M(k=S("v"), j=S("u")), S("l2"), S("l3")),
}


@pytest.mark.parametrize("projection, names, expected", [
    ("a", None, {"a": S("a")}),
    ("a, b, pk", None, {"a": S("a"), "b": N(2), **KEY}),
    ("#n", {"#n": "name"}, {"name": S("reserved")}),
    ("m.x.y", None, {"m": M(x=M(y=S("deep")))}),
    ("m.x.y, m.w", None, {"m": M(x=M(y=S("deep")), w=N(1))}),
    ("l[1].k", None, {"l": L(M(k=S("v")))}),
    ("l[3], l[0]", None, {"l": L(S("l0"), S("l3"))}),
    ("l[9], m.nope, absent, a", None, {"a": S("a")}),
    ("absent", None, {}),
])
def test_projection_on_get_item(ddb, table, projection, names, expected):
    put(ddb, table, PROJ_ITEM)
    kw = {"ExpressionAttributeNames": names} if names else {}
    out = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=projection, **kw)
    assert out["Item"] == expected


def test_projection_of_a_missing_item(ddb, table):
    out = ddb.get_item(TableName=table, Key={"pk": S("none")}, ProjectionExpression="a")
    assert "Item" not in out


def test_projection_errors(ddb, table):
    put(ddb, table, PROJ_ITEM)
    cases = [
        ("name", None,
         "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name"),
        ("m, m.x", None,
         "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
         "or rewrite one of these paths; path one: [m], path two: [m, x]"),
        ("l[0], l.x", None,
         "Invalid ProjectionExpression: Two document paths conflict with each other; must remove "
         "or rewrite one of these paths; path one: [l, [0]], path two: [l, x]"),
        ("#a", None,
         "Invalid ProjectionExpression: An expression attribute name used in the document path is "
         "not defined; attribute name: #a"),
        ("a", {"#unused": "b"},
         "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    ]
    for projection, names, message in cases:
        kw = {"ExpressionAttributeNames": names} if names else {}
        with pytest.raises(ClientError) as e:
            ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=projection, **kw)
        assert_error(e, VALIDATION, message)


# --- legacy parameters -------------------------------------------------------------------------

LEGACY_ITEM = {**KEY, "n": N(5), "s": S("hello"), "ss": {"SS": ["a", "b"]}, "l": L(S("x"))}

EXPECTED_CASES = [
    ({"n": {"Value": N(5)}}, True),
    ({"n": {"Value": N(6)}}, False),
    ({"n": {"Exists": True, "Value": N(5)}}, True),
    ({"absent": {"Exists": False}}, True),
    ({"n": {"Exists": False}}, False),
    ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [N(5)]}}, True),
    ({"n": {"ComparisonOperator": "NE", "AttributeValueList": [N(5)]}}, False),
    ({"n": {"ComparisonOperator": "LT", "AttributeValueList": [N(6)]}}, True),
    ({"n": {"ComparisonOperator": "LE", "AttributeValueList": [N(4)]}}, False),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [N(4)]}}, True),
    ({"n": {"ComparisonOperator": "GE", "AttributeValueList": [N(6)]}}, False),
    ({"n": {"ComparisonOperator": "NOT_NULL"}}, True),
    ({"n": {"ComparisonOperator": "NULL"}}, False),
    ({"absent": {"ComparisonOperator": "NULL"}}, True),
    ({"s": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("ell")]}}, True),
    ({"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [S("a")]}}, True),
    ({"ss": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [S("a")]}}, False),
    ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("he")]}}, True),
    ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [S("lo")]}}, False),
    ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), N(5)]}}, True),
    ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [N(1), N(2)]}}, False),
    ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(1), N(5)]}}, True),
    ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(6), N(9)]}}, False),
    ({"n": {"Value": N(5)}, "s": {"Value": S("nope")}}, False),
]


@pytest.mark.parametrize("expected, holds", EXPECTED_CASES)
def test_legacy_expected(ddb, table, expected, holds):
    for operation in ("put", "update", "delete"):
        put(ddb, table, LEGACY_ITEM)
        if operation == "put":
            call = lambda: ddb.put_item(TableName=table, Item={**KEY, "new": N(1)},  # noqa: E731
                                        Expected=expected)
            after = {**KEY, "new": N(1)}
        elif operation == "update":
            call = lambda: ddb.update_item(  # noqa: E731
                TableName=table, Key=KEY, Expected=expected,
                AttributeUpdates={"new": {"Action": "PUT", "Value": N(1)}})
            after = {**LEGACY_ITEM, "new": N(1)}
        else:
            call = lambda: ddb.delete_item(TableName=table, Key=KEY, Expected=expected)  # noqa: E731
            after = None
        if holds:
            call()
            assert get(ddb, table) == after, operation
        else:
            with pytest.raises(ClientError) as e:
                call()
            assert_error(e, CCF, CCF_MESSAGE)
            assert get(ddb, table) == LEGACY_ITEM, operation


def test_legacy_conditional_operator_or(ddb, table):
    put(ddb, table, LEGACY_ITEM)
    expected = {"n": {"Value": N(5)}, "s": {"Value": S("nope")}}
    with pytest.raises(ClientError) as e:
        ddb.put_item(TableName=table, Item=KEY, Expected=expected, ConditionalOperator="AND")
    assert_error(e, CCF, CCF_MESSAGE)
    ddb.put_item(TableName=table, Item={**KEY, "or": N(1)}, Expected=expected,
                 ConditionalOperator="OR")
    assert get(ddb, table) == {**KEY, "or": N(1)}


def test_legacy_attribute_updates(ddb, table):
    put(ddb, table, {**KEY, "n": N(5), "ss": {"SS": ["a", "b", "c"]}, "drop": S("x"),
                     "l": L(S("x"))})
    out = ddb.update_item(
        TableName=table,
        Key=KEY,
        AttributeUpdates={
            "put": {"Action": "PUT", "Value": S("new")},
            "default": {"Value": S("PUT is the default")},
            "n": {"Action": "ADD", "Value": N(2)},
            "fresh": {"Action": "ADD", "Value": N(-1)},
            "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
            "more": {"Action": "ADD", "Value": {"NS": ["1"]}},
            "l": {"Action": "ADD", "Value": L(S("y"))},
            "drop": {"Action": "DELETE"},
        },
        ReturnValues="UPDATED_NEW",
    )
    expected_new = {
        "put": S("new"),
        "default": S("PUT is the default"),
        "n": N(7),
        "fresh": N(-1),
        "ss": {"SS": ["b", "c"]},
        "more": {"NS": ["1"]},
        "l": L(S("x"), S("y")),
    }
    assert normalized(out["Attributes"]) == expected_new
    assert normalized(get(ddb, table)) == {**KEY, **expected_new}


def test_legacy_attribute_updates_create_the_item(ddb, table):
    key = {"pk": S("legacy-new")}
    ddb.update_item(TableName=table, Key=key,
                    AttributeUpdates={"n": {"Action": "ADD", "Value": N(3)}})
    assert get(ddb, table, key) == {**key, "n": N(3)}


def test_legacy_attribute_updates_errors(ddb, table):
    put(ddb, table, LEGACY_ITEM)
    cases = [
        ({"pk": {"Action": "PUT", "Value": S("x")}},
         "One or more parameter values were invalid: Cannot update attribute pk. "
         "This attribute is part of the key"),
        ({"n": {"Action": "ADD"}},
         "One or more parameter values were invalid: Only DELETE action is allowed when no "
         "attribute value is specified"),
    ]
    for updates, message in cases:
        with pytest.raises(ClientError) as e:
            ddb.update_item(TableName=table, Key=KEY, AttributeUpdates=updates)
        assert_error(e, VALIDATION, message)
    assert get(ddb, table) == LEGACY_ITEM


def test_legacy_attributes_to_get(ddb, table):
    put(ddb, table, PROJ_ITEM)
    out = ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["a", "name", "absent"])
    assert out["Item"] == {"a": S("a"), "name": S("reserved")}
    with pytest.raises(ClientError) as e:
        ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["a", "a"])
    assert_error(e, VALIDATION,
                 "One or more parameter values were invalid: Duplicate value in attribute name: a")


# --- validation errors -------------------------------------------------------------------------


def _expect_validation(call, message):
    with pytest.raises(ClientError) as e:
        call()
    assert_error(e, VALIDATION, message)


UPDATE_ERRORS = [
    ("SET a = :v :v", {":v": N(1)}, None,
     'Invalid UpdateExpression: Syntax error; token: ":v", near: ":v :v"'),
    ("INVALID SYNTAX HERE", None, None,
     'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
    ("SET a = :v,", {":v": N(1)}, None,
     'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","'),
    ("SET name = :v", {":v": N(1)}, None,
     "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"),
    ("SET a = :v", {":v": N(1), ":w": N(2)}, None,
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ("SET a = :v", {":v": N(1)}, {"#a": "a"},
     "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"),
    ("SET a = :w", {":v": N(1)}, None,
     "Invalid UpdateExpression: An expression attribute value used in expression is not "
     "defined; attribute value: :w"),
    ("SET #b = :v", {":v": N(1)}, {"#a": "a"},
     "Invalid UpdateExpression: An expression attribute name used in the document path is not "
     "defined; attribute name: #b"),
    ("SET a = :v REMOVE a.b", {":v": N(1)}, None,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
     "rewrite one of these paths; path one: [a], path two: [a, b]"),
    ("SET a = :v, a = :v", {":v": N(1)}, None,
     "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
     "rewrite one of these paths; path one: [a], path two: [a]"),
    ("SET a.b = :v, a[1] = :v", {":v": N(1)}, None,
     "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
     "rewrite one of these paths; path one: [a, b], path two: [a, [1]]"),
    ("SET pk = :v", {":v": S("x")}, None,
     "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
     "part of the key"),
    ("REMOVE #k", None, {"#k": "pk"},
     "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
     "part of the key"),
    ("SET a = :v SET b = :v", {":v": N(1)}, None,
     'Invalid UpdateExpression: The "SET" section can only be used once in an update '
     "expression;"),
    ("REMOVE a REMOVE b", None, None,
     'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update '
     "expression;"),
    ("SET a = :s + :n", {":s": S("x"), ":n": N(1)}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
     "function: +, operand type: S"),
    ("SET a = :n - :m", {":n": N(1), ":m": {"SS": ["x"]}}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
     "function: -, operand type: SS"),
    ("SET l = list_append(l, :s)", {":s": S("x")}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
     "function: list_append, operand type: S"),
    ("ADD a :s", {":s": S("x")}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
     "operand type: STRING"),
    ("ADD a :l", {":l": L()}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
     "operand type: LIST"),
    ("DELETE a :n", {":n": N(1)}, None,
     "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
     "DELETE, operand type: NUMBER"),
    ("SET a = if_not_exists(:v, :v)", {":v": N(1)}, None,
     "Invalid UpdateExpression: Operator or function requires a document path; operator or "
     "function: if_not_exists"),
    ("SET a = nope(b)", None, None,
     "Invalid UpdateExpression: Invalid function name; function: nope"),
    ("SET a = size(l)", None, None,
     "Invalid UpdateExpression: The function is not allowed in an update expression; "
     "function: size"),
    ("SET a = list_append(l, contains(l, :v))", {":v": N(1)}, None,
     "Invalid UpdateExpression: The function is not allowed in an update expression; "
     "function: contains"),
    ("", None, None, "Invalid UpdateExpression: The expression can not be empty;"),
]


@pytest.mark.parametrize("expression, values, names, message", UPDATE_ERRORS,
                         ids=[c[0] or "empty" for c in UPDATE_ERRORS])
def test_update_expression_errors(ddb, table, expression, values, names, message):
    put(ddb, table, {**KEY, "a": N(1), "l": L()})
    _expect_validation(lambda: update(ddb, table, expression, values, names), message)
    assert get(ddb, table) == {**KEY, "a": N(1), "l": L()}


def test_condition_expression_errors(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    cases = [
        ("a = :v AND", {":v": N(1)},
         'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
        ("a != :v", {":v": N(1)},
         'Invalid ConditionExpression: Syntax error; token: "!", near: "a !="'),
        ("Status = :v", {":v": N(1)},
         "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
         "Status"),
        ("a = a", None,
         "Invalid ConditionExpression: The first operand must be distinct from the remaining "
         "operands for this operator or function; operator: =, first operand: [a]"),
        ("((a = :v))", {":v": N(1)},
         "Invalid ConditionExpression: The expression has redundant parentheses;"),
    ]
    for operation in ("put", "delete"):
        for expression, values, message in cases:
            kw = {"ExpressionAttributeValues": values} if values else {}
            if operation == "put":
                call = lambda: ddb.put_item(TableName=table, Item=KEY,  # noqa: E731
                                            ConditionExpression=expression, **kw)
            else:
                call = lambda: ddb.delete_item(TableName=table, Key=KEY,  # noqa: E731
                                               ConditionExpression=expression, **kw)
            _expect_validation(call, message)
    assert get(ddb, table) == {**KEY, "a": N(1)}


def test_update_unused_placeholder_spans_both_expressions(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    _expect_validation(
        lambda: update(ddb, table, "SET a = :v", {":v": N(2), ":c": N(1)},
                       ConditionExpression="attribute_exists(#a)", ExpressionAttributeNames={
                           "#a": "a", "#b": "b"}),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}")
    update(ddb, table, "SET a = :v", {":v": N(2), ":c": N(1)}, ConditionExpression="a = :c")
    assert get(ddb, table) == {**KEY, "a": N(2)}


def test_mixing_legacy_and_expression_parameters(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, Expected={"a": {"Exists": False}},
                             ConditionExpression="attribute_exists(a)"),
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}")
    _expect_validation(
        lambda: ddb.update_item(TableName=table, Key=KEY, UpdateExpression="REMOVE a",
                                AttributeUpdates={"b": {"Action": "DELETE"}}),
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates} Expression parameters: "
        "{UpdateExpression}")
    _expect_validation(
        lambda: ddb.get_item(TableName=table, Key=KEY, AttributesToGet=["a"],
                             ProjectionExpression="a"),
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributesToGet} Expression parameters: "
        "{ProjectionExpression}")
    assert get(ddb, table) == {**KEY, "a": N(1)}


def test_placeholders_without_an_expression(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY,
                             ExpressionAttributeValues={":v": N(1)}),
        "ExpressionAttributeValues can only be specified when using expressions: "
        "ConditionExpression is null")
    _expect_validation(
        lambda: ddb.update_item(TableName=table, Key=KEY,
                                ExpressionAttributeValues={":v": N(1)}),
        "ExpressionAttributeValues can only be specified when using expressions: "
        "UpdateExpression and ConditionExpression are null")
    _expect_validation(
        lambda: ddb.delete_item(TableName=table, Key=KEY,
                                ExpressionAttributeNames={"#a": "a"}),
        "ExpressionAttributeNames can only be specified when using expressions")
    assert get(ddb, table) == {**KEY, "a": N(1)}


def test_number_overflow_in_arithmetic(ddb, table):
    huge = "9.9999999999999999999999999999999999999E+125"
    put(ddb, table, {**KEY, "n": N(huge)})
    before = get(ddb, table)
    for expression in ("SET n = n + :v", "ADD n :v"):
        _expect_validation(lambda: update(ddb, table, expression, {":v": N(huge)}), OVERFLOW)
    _expect_validation(lambda: update(ddb, table, "SET n = :neg - n", {":neg": N("-" + huge)}),
                       OVERFLOW)
    assert get(ddb, table) == before


# --- bad input changes nothing -----------------------------------------------------------------

BAD_EXPRESSIONS = [
    "garbage",
    "))))((((",
    "SET",
    "a = :v = :v",
    "\x00\x01\x02",
    "SET a = :v; DROP TABLE x",
    "SET café = :v",
    "a = 'quoted'",
    "☃ = :v",
    "SET a = :v" + "\u200b",
    "SET #\u00e9 = :v",
    "(" * 5000,
    "(" * 300 + "a = :v" + ")" * 300,
    "NOT " * 400 + "a = :v",
    "SET a = " + "(" * 300 + ":v" + ")" * 300,
    "SET a = :v, " + ", ".join(f"b{i} = :v" for i in range(800)),
    "a" * 5120,
    "a." * 40 + "b = :v",
    "a" + "[0]" * 40 + " = :v",
    "SET a[99999999999999999999999] = :v",
    "size(size(size(a))) = :v",
    "a IN (" + ", ".join([":v"] * 150) + ")",
]


@pytest.mark.parametrize("expression", BAD_EXPRESSIONS, ids=range(len(BAD_EXPRESSIONS)))
def test_bad_expressions_are_validation_errors_and_change_nothing(ddb, table, expression):
    original = {**KEY, "a": N(1), "l": L(S("x"))}
    put(ddb, table, original)
    values = {":v": N(2)}
    calls = [
        lambda: ddb.update_item(TableName=table, Key=KEY, UpdateExpression=expression,
                                ExpressionAttributeValues=values),
        lambda: ddb.update_item(TableName=table, Key=KEY, UpdateExpression="SET a = :v",
                                ConditionExpression=expression,
                                ExpressionAttributeValues=values),
        lambda: ddb.put_item(TableName=table, Item={**KEY, "changed": N(1)},
                             ConditionExpression=expression, ExpressionAttributeValues=values),
        lambda: ddb.delete_item(TableName=table, Key=KEY, ConditionExpression=expression,
                                ExpressionAttributeValues=values),
    ]
    if expression != "garbage":  # a fine projection of attribute `garbage`
        calls.append(lambda: ddb.get_item(TableName=table, Key=KEY,
                                          ProjectionExpression=expression))
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert_error(e, VALIDATION)
        assert get(ddb, table) == original


def test_oversized_expression_messages(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    path = "a" + "z" * 4096
    prefix = "Expression size has exceeded the maximum allowed size;"
    condition = f"attribute_not_exists({path})"
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression=condition),
        f"Invalid ConditionExpression: {prefix} expression size: {len(condition)}")
    # only conditions and filters name the size
    _expect_validation(
        lambda: update(ddb, table, f"SET {path} = :v", {":v": N(1)}),
        f"Invalid UpdateExpression: {prefix}")
    _expect_validation(
        lambda: ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=path),
        f"Invalid ProjectionExpression: {prefix}")
    # exactly 4096 bytes is fine
    out = ddb.get_item(TableName=table, Key=KEY, ProjectionExpression=path[:4096])
    assert out["Item"] == {}
    assert get(ddb, table) == {**KEY, "a": N(1)}


def test_legacy_expected_errors(ddb, table):
    put(ddb, table, LEGACY_ITEM)
    cases = [
        ({"n": {"Exists": True}},
         "One or more parameter values were invalid: Value must be provided when Exists is true "
         "for Attribute: n"),
        ({"n": {"Exists": False, "Value": N(5)}},
         "One or more parameter values were invalid: Value cannot be used when Exists is false "
         "for Attribute: n"),
        ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": [N(1), N(2)]}},
         "One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
         "ComparisonOperator"),
        ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [N(9), N(1)]}},
         "The BETWEEN condition was provided a range where the lower bound is greater than the "
         "upper bound"),
    ]
    for expected, message in cases:
        _expect_validation(
            lambda: ddb.put_item(TableName=table, Item=KEY, Expected=expected), message)
    assert get(ddb, table) == LEGACY_ITEM


# --- grammar details ---------------------------------------------------------------------------


def test_keywords_are_case_insensitive_and_whitespace_is_free(ddb, table):
    put(ddb, table, {**KEY, "a": N(1), "b": N(2), "ss": {"SS": ["x", "y"]}})
    got = updated(ddb, table, "set\ta\n=\r\n:v   remove b add c :one delete ss :x",
                  {":v": N(5), ":one": N(1), ":x": {"SS": ["x"]}})
    assert got == {**KEY, "a": N(5), "c": N(1), "ss": {"SS": ["y"]}}
    ddb.delete_item(TableName=table, Key=KEY,
                    ConditionExpression="a between :lo and :hi and not attribute_exists(b) "
                                        "or a in (:lo)",
                    ExpressionAttributeValues={":lo": N(1), ":hi": N(9)})
    assert get(ddb, table) is None


def test_function_names_are_case_sensitive(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY,
                             ConditionExpression="ATTRIBUTE_EXISTS(a)"),
        "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS")
    _expect_validation(
        lambda: update(ddb, table, "SET a = IF_NOT_EXISTS(a, :v)", {":v": N(1)}),
        "Invalid UpdateExpression: Invalid function name; function: IF_NOT_EXISTS")


def test_nested_update_functions(ddb, table):
    put(ddb, table, {**KEY, "m": M()})
    # the usual append-or-create idiom, on a missing list and then on an existing one
    for expected in (L(S("a")), L(S("a"), S("a"))):
        got = updated(ddb, table,
                      "SET l = list_append(if_not_exists(l, :empty), :item), "
                      "m.c = if_not_exists(m.c, :zero) + :one",
                      {":empty": L(), ":item": L(S("a")), ":zero": N(0), ":one": N(1)})
        assert got["l"] == expected
    assert got["m"] == M(c=N(2))
    got = updated(ddb, table, "SET x = (:one + m.c), y = :one - (m.c)", {":one": N(1)})
    assert (got["x"], got["y"]) == (N(3), N(-1))


def test_placeholder_shapes(ddb, table):
    put(ddb, table, {**KEY, "a": N(1)})
    long_name, long_value = "#" + "n" * 254, ":" + "v" * 254  # 255 bytes: the longest keys
    got = updated(ddb, table, f"SET #1 = :_x, #a_b = :2, {long_name} = {long_value}",
                  {":_x": N(1), ":2": N(2), long_value: N(3)},
                  {"#1": "one", "#a_b": "two", long_name: "three"})
    assert got == {**KEY, "a": N(1), "one": N(1), "two": N(2), "three": N(3)}
    cases = [
        (dict(ExpressionAttributeNames={}),
         "ExpressionAttributeNames must not be empty"),
        (dict(ExpressionAttributeValues={}),
         "ExpressionAttributeValues must not be empty"),
        (dict(ExpressionAttributeNames={"a": "a"}),
         'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
        (dict(ExpressionAttributeValues={"v": N(1)}),
         'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'),
        (dict(ExpressionAttributeNames={"#a": ""}),
         "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"),
        (dict(ExpressionAttributeNames={"#" + "a" * 255 + "-": "a"}),
         "ExpressionAttributeNames contains invalid key: The expression attribute map contains a "
         "key that is too long; size of key: 257"),
        (dict(ExpressionAttributeValues={":" + "v" * 255: N(1)}),
         "ExpressionAttributeValues contains invalid key: The expression attribute map contains a "
         "key that is too long;"),
        (dict(ExpressionAttributeValues={":v": {"SS": []}}),
         "ExpressionAttributeValues contains invalid value: One or more parameter values were "
         "invalid: An string set  may not be empty for key :v"),
    ]
    for extra, message in cases:
        _expect_validation(
            lambda: ddb.put_item(TableName=table, Item={**KEY, "changed": N(1)},
                                 ConditionExpression="attribute_exists(#a) OR a = :v",
                                 **{"ExpressionAttributeNames": {"#a": "a"},
                                    "ExpressionAttributeValues": {":v": N(1)}, **extra}),
            message)
    assert get(ddb, table)["a"] == N(1)


def test_set_equality_ignores_order_and_numbers_compare_by_value(ddb, table):
    put(ddb, table, {**KEY, "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "10", "9"]},
                     "n": N(10), "l": L({"SS": ["x", "y"]})})
    ddb.put_item(
        TableName=table, Item=KEY,
        ConditionExpression="ss = :ss AND ns = :ns AND n > :nine AND n = :hundredth "
                            "AND contains(l, :xy)",
        ExpressionAttributeValues={":ss": {"SS": ["c", "b", "a"]}, ":ns": {"NS": ["9", "1.0", "10"]},
                                   ":nine": N(9), ":hundredth": N("1000E-2"),
                                   ":xy": {"SS": ["y", "x"]}})
    assert get(ddb, table) == KEY



def _nested(levels):
    value = S("leaf")
    for _ in range(levels):
        value = M(a=value)
    return value


def test_an_update_cannot_nest_an_item_past_32_levels(ddb, table):
    put(ddb, table, {**KEY, "m": _nested(30)})
    deep_path = "m" + ".a" * 30
    update(ddb, table, f"SET {deep_path} = :v", {":v": _nested(1)})
    before = get(ddb, table)
    assert before["m"] == _nested(31)
    # one more level, or a deep value at a deep path: refused, and the item stays readable
    for value in (_nested(2), _nested(40)):
        with pytest.raises(ClientError) as e:
            update(ddb, table, f"SET {deep_path} = :v", {":v": value})
        assert_error(e, VALIDATION, startswith="Nesting Levels have exceeded supported limits")
        assert get(ddb, table) == before
    with pytest.raises(ClientError) as e:
        update(ddb, table, "SET dup = :v", {":v": M(x=before["m"])})
    assert_error(e, VALIDATION, startswith="Nesting Levels have exceeded supported limits")
    assert get(ddb, table) == before


def test_legacy_conditional_operator_needs_two_expected_conditions(ddb, table):
    put(ddb, table, LEGACY_ITEM)
    without = "ConditionalOperator cannot be used without Filter or Expected"
    two = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
    one = {"n": {"Value": N(5)}}
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionalOperator="OR"), without)
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, Expected={}, ConditionalOperator="AND"),
        without)
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, Expected=one, ConditionalOperator="OR"),
        two)
    _expect_validation(
        lambda: ddb.delete_item(TableName=table, Key=KEY, Expected=one,
                                ConditionalOperator="AND"),
        two)
    _expect_validation(
        lambda: ddb.update_item(TableName=table, Key=KEY, ConditionalOperator="AND",
                                AttributeUpdates={"x": {"Action": "PUT", "Value": N(1)}}),
        without)
    # ConditionalOperator is a legacy parameter too
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionalOperator="AND",
                             ConditionExpression="attribute_exists(pk)"),
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {ConditionalOperator} Expression parameters: "
        "{ConditionExpression}")
    _expect_validation(
        lambda: ddb.update_item(
            TableName=table, Key=KEY, AttributeUpdates={"a": {"Value": S("v"), "Action": "PUT"}},
            Expected={"n": {"Value": N(5)}}, ConditionalOperator="AND",
            UpdateExpression="SET a = :v", ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":v": S("x")}),
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} "
        "Expression parameters: {UpdateExpression, ConditionExpression}")
    assert get(ddb, table) == LEGACY_ITEM


@pytest.mark.parametrize("operator", ["<", "<=", ">", ">="])
@pytest.mark.parametrize("value, type_name", [
    ({"BOOL": True}, "BOOL"), ({"NULL": True}, "NULL"), ({"SS": ["a"]}, "SS"),
    ({"NS": ["1"]}, "NS"), (L(S("a")), "L"), (M(k=S("a")), "M"),
])
def test_ordering_a_value_that_has_no_order_is_refused(ddb, table, operator, value, type_name):
    put(ddb, table, {**KEY, "n": N(5)})
    message = ("Invalid ConditionExpression: Incorrect operand type for operator or function; "
               f"operator or function: {operator}, operand type: {type_name}")
    # refused up front, whichever side it is on and whether or not it would be evaluated
    for expression in (f"n {operator} :v", f":v {operator} n",
                       f"attribute_not_exists(zzz) OR n {operator} :v"):
        _expect_validation(
            lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression,
                                 ExpressionAttributeValues={":v": value}),
            message)
    assert get(ddb, table) == {**KEY, "n": N(5)}


def test_ordering_paths_without_order_and_size_without_a_size_are_just_false(ddb, table):
    item = {**KEY, "n": N(5), "flag": {"BOOL": True}, "nul": {"NULL": True},
            "ss": {"SS": ["a"]}}
    put(ddb, table, item)
    for expression in ("flag > :zero", "nul < :zero", "ss >= n", "n BETWEEN flag AND ss",
                       "size(n) > :zero", "size(flag) >= :zero", "size(nul) = :zero"):
        with pytest.raises(ClientError) as e:
            ddb.put_item(TableName=table, Item=KEY, ConditionExpression=expression,
                         **({"ExpressionAttributeValues": {":zero": N(0)}}
                            if ":zero" in expression else {}))
        assert_error(e, CCF, CCF_MESSAGE)
    # no size at all is unequal to every number
    ddb.put_item(TableName=table, Item=item, ConditionExpression="size(n) <> :zero",
                 ExpressionAttributeValues={":zero": N(0)})
    _expect_validation(
        lambda: ddb.put_item(TableName=table, Item=KEY, ConditionExpression="n BETWEEN :t AND :f",
                             ExpressionAttributeValues={":t": {"BOOL": True},
                                                        ":f": {"BOOL": False}}),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: BETWEEN, operand type: BOOL")
    assert get(ddb, table) == item
