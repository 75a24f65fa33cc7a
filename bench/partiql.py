#!/usr/bin/env python3
"""PartiQL point reads against GetItem, interleaved, on one or more DynamoDB endpoints:
SELECT * FROM "bench_pq" WHERE pk = ? AND sk = ?  versus  GetItem of the same random key
(wrk, 16 connections; ops/s, p50/p99 and server CPU us per operation; the ratio select/get per target).
usage: bench/partiql.py NAME=URL[#PID] ... [--seconds 10] [--rounds 2] [--items 20000]
"""
import argparse
import os
import random

from benchlib import Client, parse_targets, wrk_run

HERE = os.path.dirname(os.path.abspath(__file__))


def setup(c, items):
    try:
        c.call("DeleteTable", {"TableName": "bench_pq"})
    except RuntimeError:
        pass
    c.call("CreateTable", {"TableName": "bench_pq", "BillingMode": "PAY_PER_REQUEST",
                           "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                           "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                    {"AttributeName": "sk", "AttributeType": "S"}]})
    body = "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(150))
    for i in range(0, items, 25):
        c.call("BatchWriteItem", {"RequestItems": {"bench_pq": [
            {"PutRequest": {"Item": {"pk": {"S": f"k{j:07d}"}, "sk": {"S": "v"}, "body": {"S": body},
                                     "cnt": {"N": str(j)}, "ts": {"N": "1764000000000"}}}}
            for j in range(i, min(i + 25, items))]}})


def run(url, pid, op, seconds, items):
    return wrk_run(url, pid, f"{HERE}/lua/point_read.lua", seconds, {"BENCH_OP": op, "BENCH_ITEMS": str(items)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("targets", nargs="+")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--items", type=int, default=20000)
    a = ap.parse_args()
    targets = parse_targets(a.targets)
    for _, url, _ in targets:
        setup(Client(url), a.items)
    results = {}
    for r in range(a.rounds):
        order = [("get", "select"), ("select", "get")][r % 2]
        for name, url, pid in targets:
            for op in order:
                ops, p50, p99, errors, us = run(url, pid, op, a.seconds, a.items)
                results.setdefault((name, op), []).append(us)
                print(f"{name:10s} round {r} {op:6s} ops/s={ops:8.0f}  p50={p50}ms  p99={p99}ms  errors={errors}"
                      f"  srvus/op={us:.1f}")
    for name, _, pid in targets:
        if pid:
            get = sorted(results[(name, "get")])[len(results[(name, "get")]) // 2]
            sel = sorted(results[(name, "select")])[len(results[(name, "select")]) // 2]
            print(f"{name:10s} median srvus/op: GetItem {get:.1f}, SELECT {sel:.1f}, SELECT/GetItem {sel / get:.2f}")


if __name__ == "__main__":
    main()
