#!/usr/bin/env python3
"""Concurrency stress through HTTP: control-plane changes (GSI create/delete, tags, TTL, table
delete/create) race data-plane reads and writes from many threads. Meant for a ThreadSanitizer
build of ddb-local; any sanitizer report, crash, 5xx or broken invariant fails the run.

Invariants: while it runs, a stream record is never readable before its item; at the end:
- every acknowledged PutItem to the stable table is read back with its value;
- DescribeTable's ItemCount equals what a Scan counts;
- a GSI that exists at the end holds exactly the items that carry its key;
- transfers between two tables (TransactWriteItems and PartiQL ExecuteTransaction, their items in
  random order, racing multi-table BatchWriteItems) keep the total zero, and the first table's sum
  equals the number of acknowledged transfers: writes of different tables run in parallel, and a
  request that writes several locks them without deadlock.

With --memory-budget MB (on disk) a bulk writer also fills a table with 2 KB items, so the data outgrows
the budget and tables are dropped from memory while everything above runs; every acknowledged bulk
write must then read back too, and /metrics must show tables served from disk.

usage: stress.py --binary PATH [--seconds N] [--db-path [--memory-budget MB]]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "blackbox"))
from hostile import call  # noqa: E402

STABLE = {"TableName": "stable", "BillingMode": "PAY_PER_REQUEST",
          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
          "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}}
CYCLED = {"TableName": "cycled", "BillingMode": "PAY_PER_REQUEST",
          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}
CREATE_GSI = {"TableName": "stable", "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
              "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                          "Projection": {"ProjectionType": "ALL"}}}]}
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/stable"
ACCOUNTS = ["acct_a", "acct_b"]

class Failure(Exception):
    pass


def start(binary, db_path=None, budget=None):
    log = tempfile.TemporaryFile(mode="w+")
    where = ["-dbPath", db_path] if db_path else ["-inMemory"]
    if budget:
        where += ["--memory-budget", str(budget)]
    # Four I/O threads (the default on two cores is one): connections handed between threads, and the
    # standby thread, are what ThreadSanitizer must see.
    proc = subprocess.Popen([binary, "--port", "0", *where, "--ttl-interval-ms", "20", "--threads", "4"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.match(r"Listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return proc, log, int(m.group(1))
        if not line:
            break
    raise Failure("server did not start")


def checked(port, op, body, ok=(200,), allowed=(), prefix="DynamoDB_20120810."):
    status, resp = call(port, op, body, timeout=120, prefix=prefix)
    if status >= 500:
        raise Failure(f"{op} -> {status} {resp}")
    if status not in ok:
        name = resp.get("__type", "").split("#")[-1] if isinstance(resp, dict) else ""
        if name not in allowed:
            raise Failure(f"{op} -> {status} {resp}")
    return status, resp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--db-path", action="store_true", help="on disk (stream records read from RocksDB)")
    ap.add_argument("--memory-budget", type=int, help="MB; with --db-path: outgrow it with a bulk table")
    args = ap.parse_args()
    db_dir = tempfile.TemporaryDirectory(prefix="ddb-stress-") if args.db_path else None
    proc, log, port = start(args.binary, db_dir.name if db_dir else None, args.memory_budget)
    errors, acked = [], {}
    acked_lock = threading.Lock()
    stop = threading.Event()
    checked(port, "CreateTable", STABLE)
    checked(port, "CreateTable", CYCLED)
    for t in ACCOUNTS:
        checked(port, "CreateTable", {**CYCLED, "TableName": t})
        for i in range(5):
            checked(port, "PutItem", {"TableName": t, "Item": {"pk": {"S": f"{t}-{i}"}, "n": {"N": "0"}}})
    transfers = [0]
    bulk = {}  # key -> acknowledged value of the bulk table
    if args.memory_budget:
        checked(port, "CreateTable", {**CYCLED, "TableName": "bulk"})

    def bulk_writer(rnd):
        k = f"b{rnd.randrange(4000)}"
        v = f"{rnd.randrange(10**9)}:" + "z" * 2000
        checked(port, "PutItem", {"TableName": "bulk", "Item": {"pk": {"S": k}, "v": {"S": v}}})
        with acked_lock:
            bulk[k] = v

    def loop(fn):
        def run():
            rnd = random.Random(threading.get_ident())
            try:
                while not stop.is_set():
                    fn(rnd)
            except Exception as e:  # reported by the main thread, which fails the run
                errors.append(f"{fn.__name__}: {e!r}")
                stop.set()
        return threading.Thread(target=run, name=fn.__name__)

    def writer_of(n):
        # Each writer owns its keys (k<n>-...): with two writers on one key, which acknowledgement
        # came last says nothing about which write the server applied last.
        def writer(rnd):
            write(rnd, f"k{n}-{rnd.randrange(130)}")
        return writer

    def write(rnd, k):
        v = str(rnd.randrange(10**9))
        g = rnd.choice(["a", "b", None])
        item = {"pk": {"S": k}, "v": {"N": v}, "ttl": {"N": str(int(time.time()) + 3600)}}
        if g:
            item["g"] = {"S": g}
        checked(port, "PutItem", {"TableName": "stable", "Item": item})
        with acked_lock:
            acked[k] = v

    def reader(rnd):
        op = rnd.choice(["GetItem", "Query", "Scan", "QueryGsi", "Describe"])
        if op == "GetItem":
            checked(port, "GetItem", {"TableName": "stable", "Key": {"pk": {"S": f"k{rnd.randrange(3)}-{rnd.randrange(130)}"}}})
        elif op == "Query":
            checked(port, "Query", {"TableName": "stable", "KeyConditionExpression": "pk = :k",
                                    "ExpressionAttributeValues": {":k": {"S": "k0-1"}}})
        elif op == "Scan":
            checked(port, "Scan", {"TableName": "stable", "Limit": 50})
        elif op == "QueryGsi":
            checked(port, "Query", {"TableName": "stable", "IndexName": "by_g", "KeyConditionExpression": "g = :g",
                                    "ExpressionAttributeValues": {":g": {"S": "a"}}},
                    allowed=("ValidationException",))  # the index may be gone at this moment
        else:
            checked(port, "DescribeTable", {"TableName": "stable"})

    def cycled_writer(rnd):
        key = {"pk": {"S": f"c{rnd.randrange(50)}"}}
        if rnd.random() < 0.5:
            checked(port, "PutItem", {"TableName": "cycled", "Item": key}, allowed=("ResourceNotFoundException",))
        else:
            checked(port, "UpdateItem", {"TableName": "cycled", "Key": key, "UpdateExpression": "ADD n :one",
                                         "ExpressionAttributeValues": {":one": {"N": "1"}}},
                    allowed=("ResourceNotFoundException",))
        checked(port, "TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "cycled", "Item": {"pk": {"S": "tx"}}}},
            {"Update": {"TableName": "stable", "Key": {"pk": {"S": "tx-count"}}, "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}}]},
                allowed=("ResourceNotFoundException", "TransactionCanceledException"))

    def transfer(rnd):
        a, b = f"acct_a-{rnd.randrange(5)}", f"acct_b-{rnd.randrange(5)}"
        if rnd.random() < 0.5:
            items = [{"Update": {"TableName": t, "Key": {"pk": {"S": k}}, "UpdateExpression": "ADD n :d",
                                 "ExpressionAttributeValues": {":d": {"N": d}}}} for t, k, d in
                     [("acct_a", a, "1"), ("acct_b", b, "-1")]]
            rnd.shuffle(items)
            checked(port, "TransactWriteItems", {"TransactItems": items})
        else:
            statements = [{"Statement": f"UPDATE \"acct_a\" SET n = n + 1 WHERE pk = '{a}'"},
                          {"Statement": f"UPDATE \"acct_b\" SET n = n - 1 WHERE pk = '{b}'"}]
            rnd.shuffle(statements)
            checked(port, "ExecuteTransaction", {"TransactStatements": statements})
        with acked_lock:
            transfers[0] += 1

    # Follows the stable table's stream: a record is never readable before its item is (an INSERT's key
    # must then be found by a consistent GetItem; items of the stable table are never deleted).
    follow = {"iterator": None, "records": 0}

    def stream_follower(rnd):
        if follow["iterator"] is None:
            _, d = checked(port, "DescribeTable", {"TableName": "stable"})
            arn = d["Table"]["LatestStreamArn"]
            _, ds = checked(port, "DescribeStream", {"StreamArn": arn}, prefix="DynamoDBStreams_20120810.")
            shard = ds["StreamDescription"]["Shards"][0]["ShardId"]
            _, it = checked(port, "GetShardIterator", {"StreamArn": arn, "ShardId": shard,
                                                       "ShardIteratorType": "TRIM_HORIZON"},
                            prefix="DynamoDBStreams_20120810.")
            follow["iterator"] = it["ShardIterator"]
        _, page = checked(port, "GetRecords", {"ShardIterator": follow["iterator"], "Limit": 200},
                          prefix="DynamoDBStreams_20120810.")
        for r in page["Records"]:
            follow["records"] += 1
            if r["eventName"] != "INSERT":
                continue
            key = r["dynamodb"]["Keys"]
            _, got = checked(port, "GetItem", {"TableName": "stable", "Key": key, "ConsistentRead": True})
            if "Item" not in got:
                raise Failure(f"stream record {r['dynamodb']['SequenceNumber']} (INSERT {key}) is readable "
                              "before its item")
        follow["iterator"] = page.get("NextShardIterator", follow["iterator"])

    def batch_both(rnd):
        tables = list(ACCOUNTS)
        rnd.shuffle(tables)
        checked(port, "BatchWriteItem", {"RequestItems": {
            t: [{"PutRequest": {"Item": {"pk": {"S": f"x{rnd.randrange(20)}"}, "v": {"N": "1"}}}}] for t in tables}})

    def control(rnd):
        op = rnd.choice(["gsi", "tag", "ttl", "cycle"])
        if op == "gsi":
            checked(port, "UpdateTable", CREATE_GSI,
                    allowed=("ValidationException",))
            checked(port, "UpdateTable", {"TableName": "stable",
                                          "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "by_g"}}]},
                    allowed=("ResourceNotFoundException",))
        elif op == "tag":
            checked(port, "TagResource", {"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": str(rnd.random())}]})
            checked(port, "UntagResource", {"ResourceArn": ARN, "TagKeys": ["k"]})
        elif op == "ttl":
            checked(port, "UpdateTimeToLive", {"TableName": "stable",
                                               "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": rnd.random() < 0.5}},
                    allowed=("ValidationException",))
        else:
            checked(port, "DeleteTable", {"TableName": "cycled"}, allowed=("ResourceNotFoundException",))
            checked(port, "CreateTable", CYCLED, allowed=("ResourceInUseException",))

    threads = ([loop(writer_of(n)) for n in range(3)] + [loop(reader) for _ in range(3)] +
               [loop(cycled_writer) for _ in range(2)] + [loop(control) for _ in range(2)] +
               [loop(transfer) for _ in range(3)] + [loop(batch_both), loop(stream_follower)] +
               ([loop(bulk_writer) for _ in range(2)] if args.memory_budget else []))
    for t in threads:
        t.start()
    deadline = time.time() + args.seconds
    while time.time() < deadline and not stop.is_set() and proc.poll() is None:
        time.sleep(0.1)
    stop.set()
    for t in threads:
        t.join()
    failure = None
    try:
        if errors:
            raise Failure("; ".join(errors[:5]))
        if proc.poll() is not None:
            raise Failure(f"server exited with {proc.returncode}")
        # Invariants.
        for k, v in acked.items():
            _, got = checked(port, "GetItem", {"TableName": "stable", "Key": {"pk": {"S": k}}, "ConsistentRead": True})
            if got.get("Item", {}).get("v", {}).get("N") != v:
                raise Failure(f"acknowledged write of {k}={v} reads back as {got}")
        items, start_key = [], None
        while True:
            req = {"TableName": "stable"}
            if start_key:
                req["ExclusiveStartKey"] = start_key
            _, page = checked(port, "Scan", req)
            items += page["Items"]
            start_key = page.get("LastEvaluatedKey")
            if not start_key:
                break
        _, desc = checked(port, "DescribeTable", {"TableName": "stable"})
        if desc["Table"]["ItemCount"] != len(items):
            raise Failure(f"ItemCount {desc['Table']['ItemCount']} but Scan counts {len(items)}")
        checked(port, "UpdateTable", CREATE_GSI,
                allowed=("ValidationException",))
        in_gsi = 0
        for g in ("a", "b"):
            _, q = checked(port, "Query", {"TableName": "stable", "IndexName": "by_g", "KeyConditionExpression": "g = :g",
                                           "ExpressionAttributeValues": {":g": {"S": g}}})
            in_gsi += q["Count"]
        with_g = sum(1 for i in items if "g" in i)
        if in_gsi != with_g:
            raise Failure(f"GSI holds {in_gsi} entries, {with_g} items carry its key")
        sums = {}
        for t in ACCOUNTS:
            _, page = checked(port, "Scan", {"TableName": t, "ConsistentRead": True})
            sums[t] = sum(int(i["n"]["N"]) for i in page["Items"] if "n" in i)
        if sums["acct_a"] + sums["acct_b"] != 0 or sums["acct_a"] != transfers[0]:
            raise Failure(f"{transfers[0]} acknowledged transfers but the tables sum to {sums}")
        on_disk = 0
        if args.memory_budget:
            for k, v in bulk.items():
                _, got = checked(port, "GetItem", {"TableName": "bulk", "Key": {"pk": {"S": k}}})
                if got.get("Item", {}).get("v", {}).get("S") != v:
                    raise Failure(f"acknowledged bulk write of {k} reads back as {str(got)[:200]}")
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read().decode()
            on_disk = int(re.search(r"^ddb_tables_on_disk (\d+)$", metrics, re.M).group(1))
            if on_disk == 0:
                raise Failure(f"{len(bulk)} bulk items did not outgrow a {args.memory_budget} MB budget")
        print(f"stress: {len(acked)} keys written, {len(items)} items, {in_gsi} GSI entries, "
              f"{transfers[0]} transfers, {follow['records']} stream records followed, {len(bulk)} bulk items, "
              f"{on_disk} tables on disk: invariants hold")
    except Failure as e:
        failure = str(e)
    finally:
        proc.send_signal(15)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.seek(0)
        text = log.read()
    reports = text.count("WARNING: ThreadSanitizer") + text.count("ERROR: AddressSanitizer") + text.count("runtime error")
    if reports:
        print(text[:20000])
        print(f"stress: FAILED ({reports} sanitizer reports)")
        return 1
    if failure:
        print(f"stress: FAILED: {failure}")
        return 1
    if proc.returncode != 0:
        print(text[-5000:])
        print(f"stress: FAILED (exit {proc.returncode})")
        return 1
    print("stress: passed, no sanitizer reports")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failure as e:
        print(f"stress: FAILED: {e}")
        sys.exit(1)
