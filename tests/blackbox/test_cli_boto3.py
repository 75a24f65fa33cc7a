"""ddb-local through the AWS CLI and boto3, as the Cruddur notes and everyday code use it."""
import json
import os
import subprocess
import urllib.request
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import Server, messages_table_spec

AWS = "/usr/bin/aws"


def cli(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy",
               AWS_DEFAULT_REGION="eu-central-1", AWS_PAGER="")
    out = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", server.url], env=env,
                         capture_output=True, text=True, timeout=60)
    return out


def test_notes_list_tables_command(server):
    # The notes' exact command: aws dynamodb list-tables --endpoint-url http://localhost:8000
    out = cli(server, "list-tables")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"TableNames": []}


def test_cli_create_put_query(server):
    out = cli(server, "create-table", "--table-name", "cli-table",
              "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
              "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
              "--billing-mode", "PAY_PER_REQUEST")
    assert out.returncode == 0, out.stderr
    for i in range(5):
        assert cli(server, "put-item", "--table-name", "cli-table", "--item",
                   json.dumps({"pk": {"S": "p"}, "sk": {"N": str(i)}})).returncode == 0
    out = cli(server, "query", "--table-name", "cli-table", "--key-condition-expression", "pk = :p AND sk >= :two",
              "--expression-attribute-values", '{":p":{"S":"p"},":two":{"N":"2"}}', "--no-scan-index-forward")
    assert [i["sk"]["N"] for i in json.loads(out.stdout)["Items"]] == ["4", "3", "2"]
    # The CLI follows pagination tokens itself.
    out = cli(server, "scan", "--table-name", "cli-table", "--page-size", "2")
    assert json.loads(out.stdout)["Count"] == 5
    out = cli(server, "get-item", "--table-name", "cli-table", "--key", '{"pk":{"S":"nope"},"sk":{"N":"1"}}')
    assert out.returncode == 0 and out.stdout.strip() == ""
    out = cli(server, "describe-table", "--table-name", "nope")
    assert out.returncode != 0
    assert "ResourceNotFoundException" in out.stderr


def test_boto3_create_cruddur_messages_table(server):
    c = server.client()
    resp = c.create_table(**messages_table_spec())
    assert resp["TableDescription"]["TableName"] == "cruddur-messages"
    c.get_waiter("table_exists").wait(TableName="cruddur-messages", WaiterConfig={"Delay": 0.05})
    d = c.describe_table(TableName="cruddur-messages")["Table"]
    assert d["GlobalSecondaryIndexes"][0]["IndexName"] == "message-group-sk-index"
    assert d["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert d["TableArn"].endswith(":table/cruddur-messages")
    with pytest.raises(ClientError) as e:
        c.create_table(**messages_table_spec())
    assert e.value.response["Error"]["Code"] == "ResourceInUseException"


def test_boto3_resource_api_and_condition_builders(server):
    db = server.resource()
    t = db.create_table(**messages_table_spec("msgs"))
    t.wait_until_exists()
    with t.batch_writer() as bw:
        for i in range(60):
            bw.put_item(Item={"pk": "MSG#g1", "sk": f"2026-11-24T08:{i:02d}:00.000000Z", "message": f"m{i}",
                              "n": Decimal(i), "user_handle": "andrewbrown" if i % 2 else "bayko"})
        bw.put_item(Item={"pk": "GRP#u1", "sk": "2026-11-24T08:59:00.000000Z", "message_group_uuid": "g1"})
    r = t.query(KeyConditionExpression=Key("pk").eq("MSG#g1") & Key("sk").begins_with("2026-11-24T08:5"),
                ScanIndexForward=False, Limit=3)
    assert [i["message"] for i in r["Items"]] == ["m59", "m58", "m57"]
    assert "LastEvaluatedKey" in r
    r = t.query(KeyConditionExpression=Key("pk").eq("MSG#g1"),
                FilterExpression=Attr("user_handle").eq("bayko") & Attr("n").between(10, 20))
    assert r["Count"] == 6 and r["ScannedCount"] == 60
    assert all(isinstance(i["n"], Decimal) for i in r["Items"])
    r = t.query(IndexName="message-group-sk-index", KeyConditionExpression=Key("message_group_uuid").eq("g1"))
    assert [i["pk"] for i in r["Items"]] == ["GRP#u1"]
    t.update_item(Key={"pk": "MSG#g1", "sk": "2026-11-24T08:00:00.000000Z"},
                  UpdateExpression="SET #m = :m ADD n :one", ExpressionAttributeNames={"#m": "message"},
                  ExpressionAttributeValues={":m": "edited", ":one": 1})
    item = t.get_item(Key={"pk": "MSG#g1", "sk": "2026-11-24T08:00:00.000000Z"})["Item"]
    assert item["message"] == "edited" and item["n"] == 1
    with pytest.raises(ClientError) as e:
        t.put_item(Item={"pk": "MSG#g1", "sk": "2026-11-24T08:00:00.000000Z"},
                   ConditionExpression=Attr("pk").not_exists())
    assert e.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    # Paginators follow LastEvaluatedKey.
    pages = list(server.client().get_paginator("scan").paginate(TableName="msgs", PaginationConfig={"PageSize": 7}))
    assert sum(p["Count"] for p in pages) == 61


def test_exact_numbers_survive(server):
    t = server.resource().create_table(
        TableName="nums", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    big = Decimal("12345678901234567890123456789012345678")
    t.put_item(Item={"k": "a", "v": big, "f": Decimal("0.1")})
    t.update_item(Key={"k": "a"}, UpdateExpression="SET f = f + :x", ExpressionAttributeValues={":x": Decimal("0.2")})
    item = t.get_item(Key={"k": "a"})["Item"]
    assert item["v"] == big and item["f"] == Decimal("0.3")
    with pytest.raises(ClientError) as e:
        t.put_item(Item={"k": "b", "v": Decimal("1E+126")})
    assert e.value.response["Error"]["Message"] == \
        "Number overflow. Attempting to store a number with magnitude larger than supported range"


def test_errors_have_dynamodb_shape(server):
    c = server.client()
    with pytest.raises(ClientError) as e:
        c.get_item(TableName="missing-table", Key={"k": {"S": "x"}})
    err = e.value.response["Error"]
    assert err["Code"] == "ResourceNotFoundException"
    assert err["Message"] == "Requested resource not found"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["ResponseMetadata"]["RequestId"]


def test_health_line_and_crc32(server):
    # The health line names the endpoint the client addressed (the service: "healthy:
    # dynamodb.<region>.amazonaws.com "); without a usable Host header, the service's name.
    with urllib.request.urlopen(server.url + "/") as r:
        assert r.read().decode() == f"healthy: 127.0.0.1:{server.port} "
    from hostile import exchange_raw
    assert exchange_raw(server.port, b"GET / HTTP/1.0\r\n\r\n").endswith(b"healthy: dynamodb.us-east-1.amazonaws.com ")
    assert exchange_raw(server.port, b"GET / HTTP/1.1\r\nHost: a<b>\r\nConnection: close\r\n\r\n").endswith(
        b"healthy: dynamodb.us-east-1.amazonaws.com ")
    # botocore verifies x-amz-crc32 on every response; a wrong one would have failed all tests above.
    c = server.client()
    meta = c.list_tables()["ResponseMetadata"]
    assert "x-amz-crc32" in meta["HTTPHeaders"]


def test_describe_endpoints_names_this_server(server):
    # botocore's endpoint discovery follows DescribeEndpoints; naming dynamodb.<region>.amazonaws.com
    # would send a local client to the cloud (or into DNS retries).
    d = server.client().describe_endpoints()
    assert d["Endpoints"] == [{"Address": f"127.0.0.1:{server.port}", "CachePeriodInMinutes": 1440}]


def test_databases_are_per_access_key_and_region_unless_shared(server):
    a = server.client(aws_access_key_id="alice")
    b = server.client(aws_access_key_id="bob")
    a.create_table(TableName="only-alice", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    assert a.list_tables()["TableNames"] == ["only-alice"]
    assert b.list_tables()["TableNames"] == []
    shared = Server("-sharedDb").start()
    try:
        shared.client(aws_access_key_id="alice").create_table(
            TableName="everyone", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
        assert shared.client(aws_access_key_id="bob", region_name="us-west-2").list_tables()["TableNames"] == ["everyone"]
    finally:
        shared.stop()


def test_restart_keeps_tables_and_items(data_dir):
    s = Server(data_dir=data_dir).start()
    c = s.client()
    c.create_table(**messages_table_spec())
    c.put_item(TableName="cruddur-messages", Item={"pk": {"S": "a"}, "sk": {"S": "b"}, "message_group_uuid": {"S": "g"}})
    s.stop()
    os.makedirs(os.path.join(data_dir, "some-other-folder"))
    s = Server(data_dir=data_dir).start()
    try:
        assert "existing database: dummy_eu-central-1" in s.banner
        assert "some-other-folder" not in s.banner  # only <name>.ddb directories are databases
        assert os.path.isdir(os.path.join(data_dir, "dummy_eu-central-1.ddb"))
        c = s.client()
        assert c.list_tables()["TableNames"] == ["cruddur-messages"]
        assert c.get_item(TableName="cruddur-messages", Key={"pk": {"S": "a"}, "sk": {"S": "b"}})["Item"]
        assert c.describe_table(TableName="cruddur-messages")["Table"]["ItemCount"] == 1
    finally:
        s.stop()


def test_a_table_is_named_by_its_arn_wherever_a_name_is(server):
    # Since 2024 every operation but CreateTable takes the table's ARN as TableName (API reference).
    c = server.client()
    c.create_table(TableName="by-arn", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    arn = c.describe_table(TableName="by-arn")["Table"]["TableArn"]
    c.put_item(TableName=arn, Item={"pk": {"S": "a"}, "v": {"N": "1"}})
    assert c.get_item(TableName=arn, Key={"pk": {"S": "a"}})["Item"]["v"] == {"N": "1"}
    assert c.query(TableName=arn, KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "a"}})["Count"] == 1
    assert c.describe_table(TableName=arn)["Table"]["TableName"] == "by-arn"
    other_region = arn.replace(":eu-central-1:", ":us-west-2:")
    with pytest.raises(ClientError) as e:
        c.get_item(TableName=other_region, Key={"pk": {"S": "a"}})
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
    c.delete_table(TableName=arn)
    assert "by-arn" not in c.list_tables()["TableNames"]


def test_update_table_to_the_same_throughput_is_refused_with_or_without_billing_mode(server):
    # The service refuses an UpdateTable that changes nothing, and naming the billing mode the table
    # already has does not make it a change.
    c = server.client()
    c.create_table(TableName="prov", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})
    same = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    messages = []
    for extra in ({}, {"BillingMode": "PROVISIONED"}):
        with pytest.raises(ClientError) as e:
            c.update_table(TableName="prov", ProvisionedThroughput=same, **extra)
        assert e.value.response["Error"]["Code"] == "ValidationException"
        messages.append(e.value.response["Error"]["Message"])
    assert messages[0] == messages[1] and "will not change" in messages[0], messages
    c.update_table(TableName="prov", BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 4})
    assert c.describe_table(TableName="prov")["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
