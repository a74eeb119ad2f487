"""Control plane: CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable, tags, limits."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import ACCOUNT_ID, REGION, assert_error, unique_name

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

HASH_ONLY = dict(
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
)


def arn(name, region=REGION, account=ACCOUNT_ID):
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


# --- CreateTable / DescribeTable -----------------------------------------------------------------


def test_create_hash_only_pay_per_request(ddb):
    name = unique_name()
    before = dt.datetime.now(dt.timezone.utc)
    resp = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    try:
        desc = resp["TableDescription"]
        assert desc["TableName"] == name
        assert desc["TableStatus"] == "CREATING"
        assert desc["TableArn"] == arn(name)
        assert UUID_RE.match(desc["TableId"]), desc["TableId"]
        assert desc["KeySchema"] == HASH_ONLY["KeySchema"]
        assert desc["AttributeDefinitions"] == HASH_ONLY["AttributeDefinitions"]
        assert desc["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert desc["ItemCount"] == 0
        assert desc["TableSizeBytes"] == 0
        created = desc["CreationDateTime"]
        assert isinstance(created, dt.datetime)
        assert before - dt.timedelta(seconds=5) <= created <= dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5)

        # Immediately ACTIVE on the next DescribeTable.
        d = ddb.describe_table(TableName=name)["Table"]
        assert d["TableStatus"] == "ACTIVE"
        assert d["TableId"] == desc["TableId"]
        assert d["TableArn"] == arn(name)
        assert d["CreationDateTime"] == created
        assert d["KeySchema"] == HASH_ONLY["KeySchema"]
        assert d["AttributeDefinitions"] == HASH_ONLY["AttributeDefinitions"]
        assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert isinstance(d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"], dt.datetime)
        pt = d["ProvisionedThroughput"]
        assert pt["ReadCapacityUnits"] == 0
        assert pt["WriteCapacityUnits"] == 0
        assert pt["NumberOfDecreasesToday"] == 0
        assert d["ItemCount"] == 0
        assert d["TableSizeBytes"] == 0
        assert d["DeletionProtectionEnabled"] is False
    finally:
        ddb.delete_table(TableName=name)


def test_create_hash_range_provisioned(ddb):
    name = unique_name()
    resp = ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "user", "AttributeType": "S"},
            {"AttributeName": "ts", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "user", "KeyType": "HASH"},
            {"AttributeName": "ts", "KeyType": "RANGE"},
        ],
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
    )
    try:
        desc = resp["TableDescription"]
        assert desc["TableStatus"] == "CREATING"
        assert desc["KeySchema"] == [
            {"AttributeName": "user", "KeyType": "HASH"},
            {"AttributeName": "ts", "KeyType": "RANGE"},
        ]
        assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
        assert desc["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
        d = ddb.describe_table(TableName=name)["Table"]
        assert d["TableStatus"] == "ACTIVE"
        assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
        assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
        assert sorted(d["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == [
            {"AttributeName": "ts", "AttributeType": "N"},
            {"AttributeName": "user", "AttributeType": "S"},
        ]
        if "BillingModeSummary" in d:
            assert d["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    finally:
        ddb.delete_table(TableName=name)


def test_create_provisioned_by_default_billing_mode(ddb):
    """No BillingMode at all means PROVISIONED (with throughput given)."""
    name = unique_name()
    ddb.create_table(
        TableName=name,
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        **HASH_ONLY,
    )
    try:
        d = ddb.describe_table(TableName=name)["Table"]
        assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
        assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 5
        assert d.get("BillingModeSummary", {"BillingMode": "PROVISIONED"})["BillingMode"] == "PROVISIONED"
    finally:
        ddb.delete_table(TableName=name)


def test_waiter_table_exists_is_fast(ddb, make_table):
    name = unique_name()
    start = time.monotonic()
    make_table(name=name)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    assert time.monotonic() - start < 5.0


def test_resource_create_and_wait(dynamodb, ddb):
    name = unique_name()
    table = dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        start = time.monotonic()
        table.wait_until_exists(WaiterConfig={"Delay": 1, "MaxAttempts": 5})
        assert time.monotonic() - start < 5.0
        table.reload()
        assert table.table_status == "ACTIVE"
        assert table.key_schema == [{"AttributeName": "id", "KeyType": "HASH"}]
        assert table.table_arn == arn(name)
    finally:
        ddb.delete_table(TableName=name)


def test_create_with_tags_class_protection_and_stream(ddb):
    name = unique_name()
    resp = ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "team", "Value": "storage"}, {"Key": "env", "Value": "test"}],
        DeletionProtectionEnabled=True,
        TableClass="STANDARD_INFREQUENT_ACCESS",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        **HASH_ONLY,
    )
    try:
        desc = resp["TableDescription"]
        assert desc["DeletionProtectionEnabled"] is True
        assert desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        assert desc["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
        d = ddb.describe_table(TableName=name)["Table"]
        assert d["DeletionProtectionEnabled"] is True
        assert d["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        assert d["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
        tags = ddb.list_tags_of_resource(ResourceArn=d["TableArn"])["Tags"]
        assert {t["Key"]: t["Value"] for t in tags} == {"team": "storage", "env": "test"}
    finally:
        ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
        ddb.delete_table(TableName=name)


def test_create_existing_table_is_resource_in_use(ddb, table):
    with pytest.raises(ClientError) as e:
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert_error(e, "ResourceInUseException", f"Table already exists: {table}")


# --- CreateTable validation -----------------------------------------------------------------------


def test_create_missing_table_name(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.create_table(BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_create_table_name_too_short(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.create_table(TableName="ab", BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
    )


def test_create_table_name_too_long(ddb_raw):
    name = "a" * 256
    with pytest.raises(ClientError) as e:
        ddb_raw.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: "
        "Member must have length less than or equal to 255",
    )


def test_create_table_name_max_length_ok(ddb):
    name = "b" * 243 + uuid.uuid4().hex[:12]
    assert len(name) == 255
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    try:
        assert ddb.describe_table(TableName=name)["Table"]["TableName"] == name
    finally:
        ddb.delete_table(TableName=name)


def test_create_table_name_bad_pattern(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.create_table(TableName="bad name!", BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value 'bad name!' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )


def test_create_key_schema_attribute_not_defined(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "other", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
    )


def test_create_more_keys_than_definitions(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        )
    assert_error(e, "ValidationException", "Invalid KeySchema: Some index key attribute have no definition")


def test_create_unused_attribute_definition(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "extra", "AttributeType": "N"},
            ],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Number of attributes in KeySchema does not "
        "exactly match number of attributes defined in AttributeDefinitions",
    )


def test_create_two_hash_keys(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "a", "AttributeType": "S"},
                {"AttributeName": "b", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "a", "KeyType": "HASH"},
                {"AttributeName": "b", "KeyType": "HASH"},
            ],
        )
    assert_error(e, "ValidationException", "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def test_create_range_key_first(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"}],
        )
    assert_error(e, "ValidationException", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type")


def test_create_invalid_attribute_type(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "BOOL"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
    assert_error(e, "ValidationException", contains="Member must satisfy enum value set: [B, N, S]")


def test_create_provisioned_without_throughput(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(TableName=unique_name(), BillingMode="PROVISIONED", **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
        "both be specified when BillingMode is PROVISIONED",
    )


def test_create_default_billing_without_throughput(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(TableName=unique_name(), **HASH_ONLY)
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must "
        "both be specified when BillingMode is PROVISIONED",
    )


def test_create_pay_per_request_with_throughput(ddb):
    with pytest.raises(ClientError) as e:
        ddb.create_table(
            TableName=unique_name(),
            BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            **HASH_ONLY,
        )
    assert_error(
        e,
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits "
        "can be specified when BillingMode is PAY_PER_REQUEST",
    )


def test_failed_create_leaves_no_table(ddb):
    name = unique_name()
    with pytest.raises(ClientError):
        ddb.create_table(TableName=name, BillingMode="PROVISIONED", **HASH_ONLY)
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName=name)
    assert_error(e, "ResourceNotFoundException")


# --- DescribeTable ---------------------------------------------------------------------------------


def test_describe_missing_table(ddb):
    name = unique_name("missing")
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName=name)
    assert_error(e, "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")


def test_describe_missing_table_name(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.describe_table()
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_custom_region_and_account_in_arn(fresh_server):
    srv = fresh_server("--region", "eu-west-2", "--account-id", "111122223333")
    client = srv.client()
    client.create_table(TableName="arn_check", BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    d = client.describe_table(TableName="arn_check")["Table"]
    assert d["TableArn"] == "arn:aws:dynamodb:eu-west-2:111122223333:table/arn_check"


# --- ListTables ------------------------------------------------------------------------------------


def test_list_tables_sorted_and_paginated(fresh_server):
    client = fresh_server().client()
    assert client.list_tables()["TableNames"] == []
    names = ["delta", "Alpha", "charlie", "bravo", "echo.1", "echo-2", "echo_3"]
    for n in names:
        client.create_table(TableName=n, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    expected = sorted(names)  # byte order: uppercase before lowercase, '-' < '.' < '_'
    resp = client.list_tables()
    assert resp["TableNames"] == expected
    assert "LastEvaluatedTableName" not in resp

    # Pages of 3: [0:3] [3:6] [6:7].
    p1 = client.list_tables(Limit=3)
    assert p1["TableNames"] == expected[0:3]
    assert p1["LastEvaluatedTableName"] == expected[2]
    p2 = client.list_tables(Limit=3, ExclusiveStartTableName=p1["LastEvaluatedTableName"])
    assert p2["TableNames"] == expected[3:6]
    assert p2["LastEvaluatedTableName"] == expected[5]
    p3 = client.list_tables(Limit=3, ExclusiveStartTableName=p2["LastEvaluatedTableName"])
    assert p3["TableNames"] == expected[6:]
    assert "LastEvaluatedTableName" not in p3

    # ExclusiveStartTableName need not be an existing table.
    after = client.list_tables(ExclusiveStartTableName="cat")["TableNames"]
    assert after == [n for n in expected if n > "cat"]
    assert after[0] == "charlie"

    # The SDK paginator walks it all.
    pages = list(client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2}))
    assert [n for p in pages for n in p["TableNames"]] == expected
    assert len(pages) == 4
    assert all(len(p["TableNames"]) <= 2 for p in pages)


def test_list_tables_default_page_is_100(fresh_server):
    client = fresh_server().client()
    names = sorted(f"tbl{i:03d}" for i in range(105))
    for n in names:
        client.create_table(TableName=n, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    first = client.list_tables()
    assert first["TableNames"] == names[:100]
    assert first["LastEvaluatedTableName"] == names[99]
    rest = client.list_tables(ExclusiveStartTableName=first["LastEvaluatedTableName"])
    assert rest["TableNames"] == names[100:]
    assert "LastEvaluatedTableName" not in rest


def test_table_arn_accepted_by_item_operations(ddb, make_table):
    name = make_table()
    table_arn = arn(name)
    ddb.put_item(TableName=table_arn, Item={"pk": {"S": "via-arn"}})
    got = ddb.get_item(TableName=name, Key={"pk": {"S": "via-arn"}}, ConsistentRead=True)
    assert got["Item"] == {"pk": {"S": "via-arn"}}
    got = ddb.get_item(TableName=table_arn, Key={"pk": {"S": "via-arn"}}, ConsistentRead=True)
    assert got["Item"] == {"pk": {"S": "via-arn"}}
    ddb.delete_item(TableName=table_arn, Key={"pk": {"S": "via-arn"}})
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "via-arn"}}, ConsistentRead=True)


def test_table_arn_accepted_by_describe_table(ddb, make_table):
    """The API reference: "You can also provide the Amazon Resource Name (ARN) of the table"."""
    name = make_table()
    d = ddb.describe_table(TableName=arn(name))["Table"]
    assert d["TableName"] == name
    assert d["TableArn"] == arn(name)


def test_list_tables_limit_validation(ddb_raw):
    with pytest.raises(ClientError) as e:
        ddb_raw.list_tables(Limit=0)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )
    with pytest.raises(ClientError) as e:
        ddb_raw.list_tables(Limit=101)
    assert_error(
        e,
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    )


def test_list_tables_includes_new_table(ddb, table):
    names = []
    for page in ddb.get_paginator("list_tables").paginate():
        names.extend(page["TableNames"])
    assert table in names
    assert names == sorted(names)


# --- DeleteTable -----------------------------------------------------------------------------------


def test_delete_table(ddb):
    name = unique_name()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    resp = ddb.delete_table(TableName=name)
    desc = resp["TableDescription"]
    assert desc["TableName"] == name
    assert desc["TableStatus"] == "DELETING"
    assert desc["TableArn"] == arn(name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    with pytest.raises(ClientError) as e:
        ddb.describe_table(TableName=name)
    assert_error(e, "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
    assert name not in ddb.list_tables(ExclusiveStartTableName=name[:-1])["TableNames"]


def test_delete_missing_table(ddb):
    name = unique_name("missing")
    with pytest.raises(ClientError) as e:
        ddb.delete_table(TableName=name)
    assert_error(e, "ResourceNotFoundException", startswith="Requested resource not found")


def test_recreated_table_is_empty(ddb):
    name = unique_name()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    first_id = ddb.describe_table(TableName=name)["Table"]["TableId"]
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "v": {"N": str(i)}})
    ddb.delete_table(TableName=name)
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    try:
        d = ddb.describe_table(TableName=name)["Table"]
        assert d["TableId"] != first_id
        assert d["ItemCount"] == 0
        for i in range(5):
            got = ddb.get_item(TableName=name, Key={"pk": {"S": f"k{i}"}}, ConsistentRead=True)
            assert "Item" not in got, f"old item k{i} visible in re-created table"
    finally:
        ddb.delete_table(TableName=name)


def test_delete_protected_table_refused(ddb):
    name = unique_name()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True, **HASH_ONLY)
    with pytest.raises(ClientError) as e:
        ddb.delete_table(TableName=name)
    assert_error(
        e,
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. "
        "Disable deletion protection first.",
    )
    assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    resp = ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert resp["TableDescription"]["DeletionProtectionEnabled"] is False
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"


# --- UpdateTable -----------------------------------------------------------------------------------


def test_update_billing_mode_both_ways(ddb, make_table):
    name = make_table()
    resp = ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 4, "WriteCapacityUnits": 2},
    )
    assert resp["TableDescription"]["TableName"] == name
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    d = ddb.describe_table(TableName=name)["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 2

    ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    d = ddb.describe_table(TableName=name)["Table"]
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 0


def test_update_throughput(ddb, make_table):
    name = make_table(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 20})
    d = ddb.describe_table(TableName=name)["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 10
    assert d["ProvisionedThroughput"]["WriteCapacityUnits"] == 20


def test_update_to_provisioned_without_throughput(ddb, make_table):
    name = make_table()
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, BillingMode="PROVISIONED")
    assert_error(e, "ValidationException")
    assert ddb.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_update_deletion_protection_and_class(ddb, make_table):
    name = make_table()
    resp = ddb.update_table(TableName=name, DeletionProtectionEnabled=True)
    assert resp["TableDescription"]["DeletionProtectionEnabled"] is True
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    ddb.update_table(TableName=name, TableClass="STANDARD_INFREQUENT_ACCESS")
    d = ddb.describe_table(TableName=name)["Table"]
    assert d["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    assert d["DeletionProtectionEnabled"] is True
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is False


def test_update_keeps_data(ddb, make_table):
    name = make_table()
    ddb.put_item(TableName=name, Item={"pk": {"S": "keep"}, "v": {"S": "me"}})
    ddb.update_table(TableName=name, DeletionProtectionEnabled=True)
    got = ddb.get_item(TableName=name, Key={"pk": {"S": "keep"}}, ConsistentRead=True)
    assert got["Item"] == {"pk": {"S": "keep"}, "v": {"S": "me"}}


def test_update_missing_table(ddb):
    name = unique_name("missing")
    with pytest.raises(ClientError) as e:
        ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
    assert_error(e, "ResourceNotFoundException", startswith="Requested resource not found")


# --- Tags ------------------------------------------------------------------------------------------


def test_tag_untag_list(ddb, make_table):
    name = make_table()
    table_arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    assert ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"] == []
    ddb.tag_resource(ResourceArn=table_arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    tags = ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"a": "1", "b": "2"}
    # Re-tagging a key overwrites its value.
    ddb.tag_resource(ResourceArn=table_arn, Tags=[{"Key": "a", "Value": "one"}, {"Key": "c", "Value": ""}])
    tags = ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"a": "one", "b": "2", "c": ""}
    ddb.untag_resource(ResourceArn=table_arn, TagKeys=["b", "not-there"])
    tags = ddb.list_tags_of_resource(ResourceArn=table_arn)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {"a": "one", "c": ""}


def test_tags_on_missing_table(ddb):
    missing = arn(unique_name("missing"))
    with pytest.raises(ClientError) as e:
        ddb.list_tags_of_resource(ResourceArn=missing)
    assert_error(e, "ResourceNotFoundException")
    with pytest.raises(ClientError) as e:
        ddb.tag_resource(ResourceArn=missing, Tags=[{"Key": "a", "Value": "1"}])
    assert_error(e, "ResourceNotFoundException")
    with pytest.raises(ClientError) as e:
        ddb.untag_resource(ResourceArn=missing, TagKeys=["a"])
    assert_error(e, "ResourceNotFoundException")


def test_tags_gone_after_recreate(ddb):
    name = unique_name()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", Tags=[{"Key": "k", "Value": "v"}], **HASH_ONLY)
    ddb.delete_table(TableName=name)
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    try:
        assert ddb.list_tags_of_resource(ResourceArn=arn(name))["Tags"] == []
    finally:
        ddb.delete_table(TableName=name)


# --- Account-level ---------------------------------------------------------------------------------


def test_describe_limits(ddb):
    limits = ddb.describe_limits()
    for key in (
        "AccountMaxReadCapacityUnits",
        "AccountMaxWriteCapacityUnits",
        "TableMaxReadCapacityUnits",
        "TableMaxWriteCapacityUnits",
    ):
        assert isinstance(limits[key], int) and limits[key] > 0, key
    assert limits["TableMaxReadCapacityUnits"] <= limits["AccountMaxReadCapacityUnits"]
    assert limits["TableMaxWriteCapacityUnits"] <= limits["AccountMaxWriteCapacityUnits"]


def test_describe_endpoints(ddb):
    eps = ddb.describe_endpoints()["Endpoints"]
    assert len(eps) >= 1
    assert eps[0]["Address"]
    assert eps[0]["CachePeriodInMinutes"] == 1440


# --- State transitions (--transition-delay) ---------------------------------------------------------


def test_transition_delay_shows_intermediate_states(fresh_server):
    client = fresh_server("--transition-delay", "400").client()
    resp = client.create_table(TableName="slow", BillingMode="PAY_PER_REQUEST", **HASH_ONLY)
    assert resp["TableDescription"]["TableStatus"] == "CREATING"
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "CREATING"
    start = time.monotonic()
    client.get_waiter("table_exists").wait(TableName="slow", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    assert time.monotonic() - start < 5
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "ACTIVE"

    resp = client.update_table(
        TableName="slow",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
    )
    assert resp["TableDescription"]["TableStatus"] == "UPDATING"
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "UPDATING"
    client.get_waiter("table_exists").wait(TableName="slow", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    d = client.describe_table(TableName="slow")["Table"]
    assert d["TableStatus"] == "ACTIVE"
    assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 2

    resp = client.delete_table(TableName="slow")
    assert resp["TableDescription"]["TableStatus"] == "DELETING"
    assert client.describe_table(TableName="slow")["Table"]["TableStatus"] == "DELETING"
    client.get_waiter("table_not_exists").wait(TableName="slow", WaiterConfig={"Delay": 1, "MaxAttempts": 10})
    with pytest.raises(ClientError) as e:
        client.describe_table(TableName="slow")
    assert_error(e, "ResourceNotFoundException")
    assert client.list_tables()["TableNames"] == []
