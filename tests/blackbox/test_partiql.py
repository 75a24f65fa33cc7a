"""PartiQL end to end: the AWS CLI's execute-statement family, boto3, paging a large SELECT to the end,
the same stream records, index entries and capacity as the item API, and hostile statements."""
import json
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from hostile import alive, assert_ddb_4xx, call

AWS = "/usr/bin/aws"


def cli(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="dummy", AWS_SECRET_ACCESS_KEY="dummy",
               AWS_DEFAULT_REGION="eu-central-1", AWS_PAGER="")
    return subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"], env=env,
                          capture_output=True, text=True, timeout=60)


def make_table(c, name="pqt", stream=False, gsi=False):
    spec = dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "sk", "AttributeType": "N"}])
    if stream:
        spec["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    if gsi:
        spec["AttributeDefinitions"].append({"AttributeName": "g", "AttributeType": "S"})
        spec["GlobalSecondaryIndexes"] = [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                           "Projection": {"ProjectionType": "ALL"}}]
    c.create_table(**spec)
    c.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05})


def test_cli_execute_statement_family(server):
    make_table(server.client())
    out = cli(server, "execute-statement", "--statement", "INSERT INTO \"pqt\" VALUE {'pk': 'a', 'sk': 1, 'v': 'one'}")
    assert out.returncode == 0, out.stderr
    out = cli(server, "execute-statement", "--statement", "SELECT v FROM \"pqt\" WHERE pk = ? AND sk = ?",
              "--parameters", '[{"S": "a"}, {"N": "1"}]')
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["Items"] == [{"v": {"S": "one"}}]
    out = cli(server, "batch-execute-statement", "--statements", json.dumps([
        {"Statement": "INSERT INTO \"pqt\" VALUE {'pk': 'a', 'sk': 2}"},
        {"Statement": "INSERT INTO \"pqt\" VALUE {'pk': 'a', 'sk': 1}"}]))
    assert out.returncode == 0, out.stderr
    responses = json.loads(out.stdout)["Responses"]
    assert "Error" not in responses[0] and responses[1]["Error"]["Code"] == "DuplicateItem"
    out = cli(server, "execute-transaction", "--transact-statements", json.dumps([
        {"Statement": "UPDATE \"pqt\" SET v = 'uno' WHERE pk = 'a' AND sk = 1"},
        {"Statement": "DELETE FROM \"pqt\" WHERE pk = 'a' AND sk = 2"}]))
    assert out.returncode == 0, out.stderr
    out = cli(server, "execute-statement", "--statement", "SELECT * FROM \"pqt\"")
    assert json.loads(out.stdout)["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "uno"}}]
    # An error reaches the CLI as the service's exception name.
    out = cli(server, "execute-statement", "--statement", "INSERT INTO \"pqt\" VALUE {'pk': 'a', 'sk': 1}")
    assert out.returncode != 0 and "DuplicateItemException" in out.stderr


def test_boto3_statements_and_errors(server):
    c = server.client()
    make_table(c)
    c.execute_statement(Statement="INSERT INTO pqt VALUE {'pk': ?, 'sk': ?, 'n': ?}",
                        Parameters=[{"S": "p"}, {"N": "1"}, {"N": "12345678901234567890123456789012345678"}])
    got = c.execute_statement(Statement="SELECT n FROM pqt WHERE pk = 'p' AND sk = 1")["Items"]
    assert got == [{"n": {"N": "12345678901234567890123456789012345678"}}]  # exact, never a double
    with pytest.raises(ClientError) as e:
        c.execute_statement(Statement="SELECT * FROM pqt WHERE pk = 'p' AND sk = 1 AND")
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert e.value.response["Error"]["Message"].startswith("Statement wasn't well formed, can't be processed:")
    with pytest.raises(ClientError) as e:
        c.execute_statement(Statement="UPDATE pqt SET n = 1 WHERE pk = 'nope' AND sk = 1")
    assert e.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as e:
        c.execute_transaction(TransactStatements=[
            {"Statement": "INSERT INTO pqt VALUE {'pk': 'q', 'sk': 1}"},
            {"Statement": "UPDATE pqt SET n = 2 WHERE pk = 'p' AND sk = 1 AND n = 0"}])
    assert e.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    # All or nothing: the INSERT of the cancelled transaction is not there.
    assert c.execute_statement(Statement="SELECT * FROM pqt WHERE pk = 'q' AND sk = 1")["Items"] == []


def test_paging_a_large_select_to_the_end(server):
    c = server.client()
    make_table(c)
    big = "x" * 20000
    for i in range(0, 300, 25):
        c.batch_write_item(RequestItems={"pqt": [
            {"PutRequest": {"Item": {"pk": {"S": f"p{j % 3}"}, "sk": {"N": str(j)}, "pad": {"S": big}}}}
            for j in range(i, i + 25)]})
    for statement, expect, limit in [("SELECT pk, sk FROM pqt", 300, None),  # 6 MB: pages of 1 MB
                                     ("SELECT sk FROM pqt WHERE pk = 'p1'", 100, 7),
                                     ("SELECT sk FROM pqt WHERE pk IN ['p0', 'p2'] AND sk > 150", 99, 9)]:
        seen, pages = select_all(c, statement, limit)
        assert len(seen) == expect and len(set(seen)) == expect, statement
        assert pages > 1, statement
    # The key order inside a partition, in both directions, across pages.
    asc, _ = select_all(c, "SELECT sk FROM pqt WHERE pk = 'p1' ORDER BY sk")
    desc, _ = select_all(c, "SELECT sk FROM pqt WHERE pk = 'p1' ORDER BY sk DESC")
    assert asc == sorted(asc) and desc == list(reversed(asc)) and len(asc) == 100


def select_all(c, statement, limit=None):
    """Every item's sk of a SELECT, following NextToken to the end; and the number of pages."""
    seen, token, pages = [], None, 0
    while True:
        kw = {"Statement": statement}
        if token:
            kw["NextToken"] = token
        if limit:
            kw["Limit"] = limit
        r = c.execute_statement(**kw)
        pages += 1
        seen += [int(i["sk"]["N"]) for i in r["Items"]]
        token = r.get("NextToken")
        if not token:
            return seen, pages


def read_stream(c, s, table):
    arn = c.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    shard = s.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = s.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    out = []
    while it:
        r = s.get_records(ShardIterator=it)
        if not r["Records"]:
            return out
        out += [(x["eventName"], x["dynamodb"].get("OldImage"), x["dynamodb"].get("NewImage")) for x in r["Records"]]
        it = r.get("NextShardIterator")
    return out


def test_writes_match_the_item_api(server):
    """The same writes through PartiQL and through the item API give the same stream records, index
    entries and capacity."""
    import boto3
    from conftest import CREDS
    c = server.client()
    s = boto3.client("dynamodbstreams", endpoint_url=server.url, **CREDS)
    for t in ("via_pq", "via_api"):
        make_table(c, t, stream=True, gsi=True)
    key = {"pk": {"S": "k"}, "sk": {"N": "1"}}
    caps = {}
    caps["pq"] = [
        c.execute_statement(Statement="INSERT INTO via_pq VALUE {'pk': 'k', 'sk': 1, 'g': 'red', 'n': 1}",
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"],
        c.execute_statement(Statement="UPDATE via_pq SET n = n + 1, g = 'blue' WHERE pk = 'k' AND sk = 1",
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"],
        c.execute_statement(Statement="DELETE FROM via_pq WHERE pk = 'k' AND sk = 1",
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]]
    caps["api"] = [
        c.put_item(TableName="via_api", Item={**key, "g": {"S": "red"}, "n": {"N": "1"}},
                   ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"],
        c.update_item(TableName="via_api", Key=key, UpdateExpression="SET n = n + :one, g = :b",
                      ExpressionAttributeValues={":one": {"N": "1"}, ":b": {"S": "blue"}},
                      ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"],
        c.delete_item(TableName="via_api", Key=key, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]]
    for a, b in zip(caps["pq"], caps["api"]):
        a, b = dict(a), dict(b)
        assert a.pop("TableName") == "via_pq" and b.pop("TableName") == "via_api"
        assert a == b
    assert read_stream(c, s, "via_pq") == read_stream(c, s, "via_api")
    # Index entries follow: an item written by PartiQL is found through the GSI, by both languages.
    c.execute_statement(Statement="INSERT INTO via_pq VALUE {'pk': 'k2', 'sk': 2, 'g': 'green'}")
    q = c.query(TableName="via_pq", IndexName="by-g", KeyConditionExpression="g = :g",
                ExpressionAttributeValues={":g": {"S": "green"}})
    assert q["Count"] == 1
    r = c.execute_statement(Statement="SELECT pk FROM via_pq.\"by-g\" WHERE g = 'green'")
    assert r["Items"] == [{"pk": {"S": "k2"}}]
    # A point SELECT costs what GetItem costs.
    pqt = c.execute_statement(Statement="SELECT * FROM via_pq WHERE pk = 'k2' AND sk = 2", ConsistentRead=True,
                             ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"]
    api = c.get_item(TableName="via_pq", Key={"pk": {"S": "k2"}, "sk": {"N": "2"}}, ConsistentRead=True,
                     ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]["CapacityUnits"]
    assert pqt == api == 1.0


def test_client_request_token_is_shared_with_transact_write_items(server):
    c = server.client()
    make_table(c)
    c.transact_write_items(ClientRequestToken="tok-shared", TransactItems=[
        {"Put": {"TableName": "pqt", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}}}])
    with pytest.raises(ClientError) as e:
        c.execute_transaction(ClientRequestToken="tok-shared", TransactStatements=[
            {"Statement": "INSERT INTO pqt VALUE {'pk': 'b', 'sk': 1}"}])
    assert e.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    c.execute_transaction(ClientRequestToken="tok-pq", TransactStatements=[
        {"Statement": "INSERT INTO pqt VALUE {'pk': 'c', 'sk': 1}"}])
    # Replaying the same request is answered again without writing twice (an INSERT would fail).
    c.execute_transaction(ClientRequestToken="tok-pq", TransactStatements=[
        {"Statement": "INSERT INTO pqt VALUE {'pk': 'c', 'sk': 1}"}])


@pytest.mark.parametrize("statement", [
    "SELECT * FROM pqt WHERE " + "(" * 5000 + "pk = 'a'" + ")" * 5000,
    "SELECT * FROM pqt WHERE " + " ".join(["NOT"] * 3000) + " pk = 'a'",
    "INSERT INTO pqt VALUE " + "{'a': " * 3000 + "1" + "}" * 3000,
    "INSERT INTO pqt VALUE {'pk': 'a', 'sk': 1, 'l': " + "[" * 3000 + "]" * 3000 + "}",
    "SELECT * FROM pqt WHERE pk = '" + "\udcff" + "'",
    "SELECT * FROM pqt WHERE pk IN [" + ",".join(["'x'"] * 2000) + "]",
    "SELECT " + ", ".join(f"a{i}" for i in range(1500)) + " FROM pqt",
    "SELECT * FROM pqt WHERE l[99999999999999999999] = 1",
    "SELECT * FROM pqt WHERE v = 1e999999999",
    "SELECT * FROM pqt WHERE v = " + "9" * 5000,
    "x" * 8193,
    "\x00\x01\x02",
    "SELECT * FROM \"" + "t" * 5000 + "\"",
])
def test_hostile_statements_get_4xx(server, statement):
    make_table(server.client())
    status, body = call(server.port, "ExecuteStatement",
                        json.dumps({"Statement": statement}, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    assert_ddb_4xx(status, body)
    alive(server.port)


def test_hostile_batches_get_4xx(server):
    make_table(server.client())
    for target, member, n in [("BatchExecuteStatement", "Statements", 26),
                              ("ExecuteTransaction", "TransactStatements", 101)]:
        status, body = call(server.port, target, {member: [{"Statement": "SELECT * FROM pqt"}] * n})
        assert_ddb_4xx(status, body, "ValidationException")
        for bad in [{member: "nope"}, {member: [1, 2]}, {member: [{"Statement": 5}]},
                    {member: [{"Statement": "SELECT * FROM pqt", "Parameters": {"S": "x"}}]}]:
            status, body = call(server.port, target, bad)
            assert_ddb_4xx(status, body)
    alive(server.port)
