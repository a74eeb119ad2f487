"""Bad input of every shape: requests built by mutating valid requests of each operation
(wrong types, dropped and extra members, garbled and oversized expressions, truncated JSON)
must each get a 200 or an AWS-style 4xx, never a 5xx or a hang, and the server keeps serving.
Deterministic (fixed seeds) so a failure reproduces."""

from __future__ import annotations

import copy
import json
import random

import pytest

from gannet_e2e import raw_request, unique_name

TARGET = "DynamoDB_20120810."
# DynamoDB's own errors, and the request-validation layer's (e.g. a null nested member).
TYPE_PREFIXES = ("com.amazonaws.dynamodb.v20120810#", "com.amazon.coral.")

WEIRD = [None, True, False, 0, -1, 1.5, 1e308, 2**70, "", "x" * 5000, "#", ":v", "\u00ff\u0000",
         [], {}, [None], {"S": "a"}, {"N": "1e400"}, {"N": "abc"}, {"B": "!!"}, {"SS": []},
         {"L": [{}]}, {"M": {"": {"S": ""}}}, {"NULL": False}, {"S": "a", "N": "1"}]
EXPRESSION_BITS = ["(", ")", " AND ", " OR ", "NOT ", "size(", "#p", ":v", "a.b[1]",
                   "[99999999999]", " BETWEEN ", " IN (", ",", "=", "<>", "SET ", "REMOVE ",
                   "ADD ", "DELETE ", "if_not_exists(", "list_append(", "attribute_type(",
                   "begins_with(", "+", "-", "\u00e9", "[", "]", ".", "  "]


def seeds(table):
    item = {"pk": {"S": "a"}, "sk": {"N": "1"},
            "m": {"M": {"x": {"L": [{"N": "1"}, {"S": "s"}, {"SS": ["a", "b"]}]}}},
            "b": {"B": "AAEC"}, "n": {"NULL": True}, "t": {"BOOL": True}, "ns": {"NS": ["1", "2.5"]}}
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    other = {"pk": {"S": "b"}, "sk": {"N": "2"}}
    return {
        "PutItem": {"TableName": table, "Item": item, "ReturnValues": "ALL_OLD",
                    "ConditionExpression": "attribute_not_exists(#p) OR size(m.x) > :v",
                    "ExpressionAttributeNames": {"#p": "pk"},
                    "ExpressionAttributeValues": {":v": {"N": "0"}}},
        "GetItem": {"TableName": table, "Key": key, "ConsistentRead": True,
                    "ProjectionExpression": "m.x[1], #b", "ExpressionAttributeNames": {"#b": "b"}},
        "UpdateItem": {"TableName": table, "Key": key, "ReturnValues": "UPDATED_NEW",
                       "UpdateExpression": "SET m.x[0] = m.x[0] + :one, c = list_append("
                                           "if_not_exists(c, :e), :l) REMOVE t ADD ns :ns DELETE ss :ss",
                       "ExpressionAttributeValues": {":one": {"N": "1"}, ":e": {"L": []},
                                                     ":l": {"L": [{"S": "z"}]}, ":ns": {"NS": ["3"]},
                                                     ":ss": {"SS": ["q"]}}},
        "DeleteItem": {"TableName": table, "Key": key,
                       "Expected": {"t": {"ComparisonOperator": "EQ",
                                          "AttributeValueList": [{"BOOL": True}]}}},
        "Query": {"TableName": table, "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                  "FilterExpression": "contains(m.x, :s)", "Limit": 5, "ScanIndexForward": False,
                  "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "0"}, ":b": {"N": "9"},
                                                ":s": {"S": "s"}},
                  "ExclusiveStartKey": key},
        "Scan": {"TableName": table, "Segment": 0, "TotalSegments": 3, "Select": "COUNT",
                 "ScanFilter": {"t": {"ComparisonOperator": "NOT_NULL"}}},
        "BatchWriteItem": {"RequestItems": {table: [{"PutRequest": {"Item": item}},
                                                    {"DeleteRequest": {"Key": other}}]}},
        "BatchGetItem": {"RequestItems": {table: {"Keys": [key, other],
                                                  "AttributesToGet": ["pk", "m"]}}},
        "TransactWriteItems": {"ClientRequestToken": "tok", "TransactItems": [
            {"Put": {"TableName": table, "Item": item}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": "c"}, "sk": {"N": "3"}},
                        "UpdateExpression": "ADD n2 :o",
                        "ExpressionAttributeValues": {":o": {"N": "1"}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": "d"}, "sk": {"N": "4"}},
                                "ConditionExpression": "attribute_not_exists(pk)"}}]},
        "TransactGetItems": {"TransactItems": [{"Get": {"TableName": table, "Key": key,
                                                        "ProjectionExpression": "pk"}}]},
        "DescribeTable": {"TableName": table},
        "ListTables": {"Limit": 5, "ExclusiveStartTableName": "a"},
        "TagResource": {"ResourceArn": f"arn:aws:dynamodb:us-east-1:000000000000:table/{table}",
                        "Tags": [{"Key": "k", "Value": "v"}]},
        "CreateTable": {"TableName": table + "-x",
                        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}},
    }


def mutate(rng, value):
    roll = rng.random()
    if isinstance(value, dict) and value and roll < 0.7:
        value = dict(value)
        key = rng.choice(list(value))
        choice = rng.random()
        if choice < 0.15:
            del value[key]
        elif choice < 0.3:
            value[key] = rng.choice(WEIRD)
        elif choice < 0.35:
            value[rng.choice(["Extra", "", "TableName", "Key", "Item"])] = rng.choice(WEIRD)
        else:
            value[key] = mutate(rng, value[key])
        return value
    if isinstance(value, list) and value and roll < 0.7:
        value = list(value)
        choice = rng.random()
        i = rng.randrange(len(value))
        if choice < 0.2:
            value.pop(i)
        elif choice < 0.4:
            value.append(copy.deepcopy(value[i]))
        elif choice < 0.5:
            value = value * rng.choice([2, 30, 120])
        else:
            value[i] = mutate(rng, value[i])
        return value
    if isinstance(value, str) and roll < 0.8:
        choice = rng.random()
        if choice < 0.5 and value:
            i = rng.randrange(len(value) + 1)
            return value[:i] + rng.choice(EXPRESSION_BITS) + value[i:]
        if choice < 0.7 and value:
            i = rng.randrange(len(value))
            return value[:i] + value[i + 1:]
        return value * rng.choice([2, 100])
    return rng.choice(WEIRD)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_requests_get_aws_errors_never_5xx(fresh_server, seed):
    # A private server: mutated CreateTable/TagResource requests leave tables and tags behind.
    server = fresh_server(in_memory=False)
    ddb = server.client()
    table = unique_name()
    ddb.create_table(
        TableName=table,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    requests = seeds(table)
    rng = random.Random(seed)
    statuses = {}
    for _ in range(1500):
        op = rng.choice(sorted(requests))
        body = requests[op]
        for _ in range(rng.randint(1, 4)):
            body = mutate(rng, body)
        raw = json.dumps(body).encode()
        if len(raw) > 4 * 1024 * 1024:
            continue
        if rng.random() < 0.03:
            raw = raw[:rng.randrange(len(raw) + 1)] + bytes([rng.randrange(256)])
        resp = raw_request(server.endpoint, TARGET + op, raw, timeout=30)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
        assert resp.status < 500, f"{op} answered {resp!r} to {raw[:800]!r}"
        if resp.status != 200:
            assert resp.status == 400 or resp.status == 413, resp
            assert resp.json()["__type"].startswith(TYPE_PREFIXES), resp
    assert statuses.get(400, 0) > 100, statuses
    # Still serving, and the table still describes itself.
    assert ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
