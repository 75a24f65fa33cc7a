#!/usr/bin/env python3
"""Issue-4 measurements against one or more DynamoDB endpoints, interleaved:
  1. TransactWriteItems of 3 Puts (wrk, 16 connections): ops/s, p50/p99, server CPU us/op;
  2. time from PutItem's answer to its record being readable through GetRecords (p50/p99).
usage: bench/streams_tx.py NAME=URL[:PID] ... [--seconds 10] [--samples 300]
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AUTH = "AWS4-HMAC-SHA256 Credential=benchtx/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00"


class Client:
    def __init__(self, url):
        host, port = url.split("//")[1].split(":")
        self.c = http.client.HTTPConnection(host, int(port), timeout=30)

    def call(self, op, body, prefix="DynamoDB_20120810"):
        self.c.request("POST", "/", json.dumps(body), {"Content-Type": "application/x-amz-json-1.0",
                                                       "X-Amz-Target": f"{prefix}.{op}", "Authorization": AUTH,
                                                       "X-Amz-Date": "20260101T000000Z"})
        r = self.c.getresponse()
        data = json.loads(r.read() or b"{}")
        if r.status != 200:
            raise RuntimeError(f"{op}: {data}")
        return data


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def setup(c):
    for t in ("bench_tx", "bench_st"):
        try:
            c.call("DeleteTable", {"TableName": t})
        except RuntimeError:
            pass
    spec = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST"}
    c.call("CreateTable", {"TableName": "bench_tx", **spec})
    c.call("CreateTable", {"TableName": "bench_st", **spec, "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}})
    for t in ("bench_tx", "bench_st"):
        for _ in range(100):
            if c.call("DescribeTable", {"TableName": t})["Table"]["TableStatus"] == "ACTIVE":
                break
            time.sleep(0.05)


def transact(name, url, pid, seconds):
    subprocess.run(["wrk", "-t1", "-c16", "-d3s", "-s", f"{HERE}/lua/transact.lua", url], capture_output=True)
    t0 = cpu_ticks(pid) if pid else None
    out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "-s", f"{HERE}/lua/transact.lua", url],
                         capture_output=True, text=True).stdout
    line = [l for l in out.splitlines() if l.startswith("RESULT")][0]
    vals = dict(kv.split("=") for kv in line.split()[1:])
    us = (cpu_ticks(pid) - t0) * 10000 / (float(vals["ops/s"]) * seconds) if pid else float("nan")
    print(f"{name:10s} TransactWriteItems(3)  ops/s={float(vals['ops/s']):8.0f}  p50={vals['p50ms']}ms  p99={vals['p99ms']}ms"
          f"  errors={vals['errors']}  srvus/op={us:.0f}")


def stream_latency(name, url, samples):
    c = Client(url)
    arn = c.call("DescribeTable", {"TableName": "bench_st"})["Table"]["LatestStreamArn"]
    shard = c.call("DescribeStream", {"StreamArn": arn}, "DynamoDBStreams_20120810")["StreamDescription"]["Shards"][-1]["ShardId"]
    last_seq = None
    lat = []
    for i in range(samples):
        c.call("PutItem", {"TableName": "bench_st", "Item": {"pk": {"S": f"s{i}"}, "sk": {"S": "x"}}})
        t0 = time.perf_counter()
        while True:
            # A fresh iterator after the last record seen: DynamoDB Local rejects a reused iterator
            # that has read past the end of the shard.
            req = {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": last_seq} \
                if last_seq else {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}
            it = c.call("GetShardIterator", req, "DynamoDBStreams_20120810")["ShardIterator"]
            recs = c.call("GetRecords", {"ShardIterator": it}, "DynamoDBStreams_20120810")["Records"]
            if recs:
                last_seq = recs[-1]["dynamodb"]["SequenceNumber"]
                if any(r["dynamodb"]["Keys"]["pk"]["S"] == f"s{i}" for r in recs):
                    lat.append((time.perf_counter() - t0) * 1000)
                    break
    lat.sort()
    print(f"{name:10s} PutItem->GetRecords    p50={statistics.median(lat):.2f}ms  p99={lat[int(len(lat) * 0.99) - 1]:.2f}ms  (n={len(lat)})")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--samples", type=int, default=300)
    a = ap.parse_args()
    targets = []
    for t in a.targets:
        name, rest = t.split("=", 1)
        url, _, pid = rest.partition("#")
        targets.append((name, url, int(pid) if pid else None))
    for name, url, _ in targets:
        setup(Client(url))
    for name, url, pid in targets:
        transact(name, url, pid, a.seconds)
    for name, url, _ in targets:
        stream_latency(name, url, a.samples)


if __name__ == "__main__":
    main()
