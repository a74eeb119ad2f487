"""Fixtures for the end-to-end suite: a real `gannet serve` process and boto3 clients for it."""

from __future__ import annotations

import signal

import pytest
from botocore.exceptions import ClientError

from gannet_e2e import GannetServer, raw_request, unique_name


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The shared server for most tests: on-disk storage, default (sync) durability."""
    srv = GannetServer(data_dir=tmp_path_factory.mktemp("gannet-data")).start()
    yield srv
    if srv.alive():
        srv.stop(signal.SIGTERM, timeout=30)


@pytest.fixture
def fresh_server(tmp_path):
    """A private server (for tests that need an empty table list or custom flags)."""
    started = []

    def start(*extra_args, in_memory=True, data_dir=None):
        if data_dir is not None:
            srv = GannetServer(data_dir=data_dir, extra_args=extra_args)
        elif in_memory:
            srv = GannetServer(in_memory=True, extra_args=extra_args)
        else:
            srv = GannetServer(data_dir=tmp_path / f"data{len(started)}", extra_args=extra_args)
        srv.start()
        started.append(srv)
        return srv

    yield start
    for srv in started:
        srv.kill()


@pytest.fixture(scope="session")
def ddb(server):
    """boto3 low-level client (client-side parameter validation on)."""
    return server.client()


@pytest.fixture(scope="session")
def ddb_raw(server):
    """boto3 client with client-side parameter validation off, to send what boto3 would refuse."""
    return server.client(validate=False)


@pytest.fixture(scope="session")
def dynamodb(server):
    """boto3 resource."""
    return server.resource()


@pytest.fixture
def raw(server):
    def send(target, body, **kw):
        return raw_request(server.endpoint, target, body, **kw)

    return send


@pytest.fixture
def make_table(ddb):
    """Factory: create a table (PAY_PER_REQUEST unless told), deleted again after the test."""
    created = []

    def make(hash_key=("pk", "S"), range_key=None, name=None, **kwargs):
        name = name or unique_name()
        attrs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        schema = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        if range_key is not None:
            attrs.append({"AttributeName": range_key[0], "AttributeType": range_key[1]})
            schema.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        params = dict(
            TableName=name,
            AttributeDefinitions=attrs,
            KeySchema=schema,
        )
        if "ProvisionedThroughput" not in kwargs and "BillingMode" not in kwargs:
            params["BillingMode"] = "PAY_PER_REQUEST"
        params.update(kwargs)
        ddb.create_table(**params)
        created.append(name)
        return name

    yield make
    for name in created:
        try:
            ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
        except ClientError:
            pass
        try:
            ddb.delete_table(TableName=name)
        except ClientError:
            pass


@pytest.fixture
def table(make_table):
    """A hash-only table with string key `pk`."""
    return make_table()


@pytest.fixture
def range_table(make_table):
    """A hash+range table: `pk` (S) and `sk` (N)."""
    return make_table(range_key=("sk", "N"))
