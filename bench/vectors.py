#!/usr/bin/env python3
"""SearchVectors TopK=10 over N generated 128-dimension vectors (clustered, like embeddings: 1,000 Gaussian
clusters), exact and approximate: two ddb-local servers started here, one with --vector-exact-limit above N
(exact search) and one with the default (HNSW above 20,000 vectors), loaded alike with BatchWriteItem.
After loading, each server is left until it is idle (the approximate one builds its graph in the
background; searches meanwhile are exact). Prints per mode: client latency p50/p99 (one connection, sequential), server CPU us/op, and the recall at
top-10 of the approximate answers against the exact ones.
usage: bench/vectors.py [--bin build/ddb-local] [--items 100000] [--queries 500] [--dims 128]
"""
import argparse
import os
import random
import re
import subprocess
import time

from benchlib import Client, cpu_ticks

HERE = os.path.dirname(os.path.abspath(__file__))


def start(binary, *args):
    p = subprocess.Popen([binary, "--port", "0", "-inMemory", *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    for line in p.stdout:
        m = re.match(r"Listening on (http://127\.0\.0\.1:\d+)", line)
        if m:
            return p, m.group(1)
    raise RuntimeError("ddb-local did not start")


def dataset(n, dims, rng):
    centers = [[rng.gauss(0, 1) for _ in range(dims)] for _ in range(1000)]
    for i in range(n):
        c = centers[rng.randrange(len(centers))]
        yield f"v{i:07}", [round(x + rng.gauss(0, 0.3), 5) for x in c]


def load(c, rows, dims):
    c.call("CreateTable", {"TableName": "bench_vec", "BillingMode": "PAY_PER_REQUEST",
                           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                           "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                           "VectorIndexes": [{"IndexName": "emb_idx", "VectorAttribute": {"AttributeName": "emb"},
                                              "Dimensions": dims, "DistanceFunction": "COSINE",
                                              "Projection": {"ProjectionType": "KEYS_ONLY"}}]})
    for i in range(0, len(rows), 25):
        c.call("BatchWriteItem", {"RequestItems": {"bench_vec": [
            {"PutRequest": {"Item": {"id": {"S": k}, "emb": {"L": [{"N": repr(x)} for x in v]}}}}
            for k, v in rows[i:i + 25]]}})


def wait_idle(pid):
    """Waits until the server has used no CPU for a second: the background graph build is done."""
    last = cpu_ticks(pid)
    while True:
        time.sleep(1)
        now = cpu_ticks(pid)
        if now == last:
            return
        last = now


def run(c, pid, queries):
    c.call("SearchVectors", {"TableName": "bench_vec", "IndexName": "emb_idx", "SearchVector": queries[0], "TopK": 10})
    lat, answers = [], []
    t0 = cpu_ticks(pid)
    for q in queries:
        s = time.perf_counter()
        out = c.call("SearchVectors", {"TableName": "bench_vec", "IndexName": "emb_idx", "SearchVector": q, "TopK": 10})
        lat.append((time.perf_counter() - s) * 1e6)
        answers.append([h["Item"]["id"]["S"] for h in out["SearchResults"]])
    cpu = (cpu_ticks(pid) - t0) * 1e6 / os.sysconf("SC_CLK_TCK") / len(queries)
    lat.sort()
    return lat[len(lat) // 2], lat[int(len(lat) * 0.99)], cpu, answers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(HERE, "../build/ddb-local"))
    ap.add_argument("--items", type=int, default=100000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--dims", type=int, default=128)
    a = ap.parse_args()
    rng = random.Random(1)
    rows = list(dataset(a.items, a.dims, rng))
    queries = [[{"N": repr(round(x + rng.gauss(0, 0.1), 5))} for x in rows[rng.randrange(len(rows))][1]]
               for _ in range(a.queries)]
    results = {}
    for mode, args in [("exact", ["--vector-exact-limit", str(a.items + 1)]), ("approximate", [])]:
        p, url = start(a.bin, *args)
        try:
            c = Client(url)
            t = time.time()
            load(c, rows, a.dims)
            loaded = time.time() - t
            t = time.time()
            wait_idle(p.pid)
            settled = time.time() - t
            results[mode] = run(c, p.pid, queries)
            p50, p99, cpu, _ = results[mode]
            print(f"{mode:12} {a.items} x {a.dims}-d  load {loaded:6.1f} s (+{settled:.0f} s until idle)  SearchVectors TopK=10: "
                  f"p50 {p50 / 1000:.2f} ms  p99 {p99 / 1000:.2f} ms  server CPU {cpu:.0f} us/op")
        finally:
            p.terminate()
            p.wait()
    hit = sum(len(set(x) & set(e)) for x, e in zip(results["approximate"][3], results["exact"][3]))
    print(f"recall@10 of the approximate answers: {hit / (10 * len(queries)):.4f}")


if __name__ == "__main__":
    main()
