#!/usr/bin/env python3
"""Differential test: replays cases.py against ddb-local and compares every answer with DynamoDB Local's.

  run_diff.py --binary build/ddb-local            compare with the answers recorded in expected.json
  run_diff.py --binary build/ddb-local --oracle http://127.0.0.1:8001
                                                   compare live with a running DynamoDB Local
  run_diff.py --record --oracle http://127.0.0.1:8001 --dynalite http://127.0.0.1:8002
                                                   (re)record expected.json from DynamoDB Local and dynalite
  run_diff.py --record-missing --oracle http://127.0.0.1:8003 --oracle-name "DynamoDB Local 3.3.1"
                                                   record only the cases expected.json lacks (new cases), and
                                                   those --record-cases a,b names

DynamoDB Local is the oracle. Its validation messages often differ from the real service's (it has its own
texts, e.g. "Invalid table/index name..." where DynamoDB says "1 validation error detected: ..."). The test is
strict: a case must equal DynamoDB Local's answer, unless it states the service's answer (`real=...` in the
case, with its source beside it) or service_answers.py lists it with the class of its difference (then it
must equal dynalite's recorded answer: dynalite was written against the live service).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import CASES, FIXTURE, STREAM_TABLES  # noqa: E402
from ddbclient import Raw, outcome  # noqa: E402
from service_answers import SERVICE_ANSWERS, SOURCES  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected.json")


def run_all(port):
    # A fresh access key is a fresh database in DynamoDB Local (no -sharedDb), so runs never collide.
    c = Raw(port, key=f"diff{int(time.time() * 1000)}")
    for op, req in FIXTURE:
        st, body = c.call(op, req)
        if st != 200:
            raise SystemExit(f"fixture {op} failed: {body}")
        if op == "CreateTable":  # wait for ACTIVE, as a client would
            for _ in range(200):
                st, d = c.call("DescribeTable", {"TableName": req["TableName"]})
                if d.get("Table", {}).get("TableStatus") == "ACTIVE":
                    break
                time.sleep(0.05)
    out = {}
    for name, op, req, opts in CASES:
        st, body = c.call(op, req, "DynamoDBStreams_20120810" if opts.get("streams") else "DynamoDB_20120810")
        out[name] = outcome(st, body)
        if opts.get("unordered") and st == 200 and isinstance(out[name]["body"].get("Items"), list):
            out[name]["body"]["Items"].sort(key=lambda i: json.dumps(i, sort_keys=True))  # a scan has no order
    for table in STREAM_TABLES:
        records = read_stream(c, table)
        out["stream_records_" + table] = (outcome(200, {"Records": records}) if records is not None else
                                          {"status": 400, "type": "UnknownOperationException", "message": "no streams"})
    return out


def read_stream(c, table):
    """Every record of a table's stream, without the fields that legitimately differ between servers."""
    S = "DynamoDBStreams_20120810"
    _, d = c.call("DescribeTable", {"TableName": table})
    arn = d.get("Table", {}).get("LatestStreamArn")
    if not arn:
        return None  # a server without Streams (dynalite)
    _, ds = c.call("DescribeStream", {"StreamArn": arn}, S)
    records = []
    for shard in ds["StreamDescription"]["Shards"]:
        _, it = c.call("GetShardIterator", {"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}, S)
        it = it.get("ShardIterator")
        while it:
            _, r = c.call("GetRecords", {"ShardIterator": it}, S)
            if not r.get("Records"):
                break
            records += r["Records"]
            it = r.get("NextShardIterator")
    for r in records:
        r.pop("awsRegion", None)  # DynamoDB Local says "ddblocal"
    return records


def start_ours(binary):
    p = subprocess.Popen([binary, "-inMemory", "--port", "0"], stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        line = p.stdout.readline()
        m = re.match(r"Listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            return p, int(m.group(1))
    p.kill()
    raise SystemExit("ddb-local did not start")


def matches(exp, got, opts):
    if opts.get("count_only") and exp.get("status") == 200 and got.get("status") == 200:
        return all(exp["body"].get(k) == got["body"].get(k) for k in ("Count", "ScannedCount"))
    if opts.get("loose"):
        return exp.get("status") == got.get("status") and exp.get("type") == got.get("type")
    return exp == got


def port_of(url):
    return int(url.rsplit(":", 1)[1].strip("/"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--oracle")
    ap.add_argument("--dynalite")
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--record-missing", action="store_true")
    ap.add_argument("--record-cases", default="", help="comma-separated case names to re-record (with --record-missing)")
    ap.add_argument("--oracle-name", default="DynamoDB Local 3.3.1")
    a = ap.parse_args()
    if a.record_missing:
        expected = json.load(open(EXPECTED))
        local = run_all(port_of(a.oracle))
        again = set(filter(None, a.record_cases.split(",")))
        new = {k: v for k, v in local.items() if k not in expected or k in again}
        for k, v in new.items():
            expected[k] = {"ddblocal": v, "dynalite": None, "recorded_from": f"{a.oracle_name} ({time.strftime('%Y-%m-%d')})"}
        with open(EXPECTED, "w") as f:
            json.dump(expected, f, indent=1, sort_keys=True)
        print(f"recorded {len(new)} new answers of {a.oracle_name}")
        return 0
    if a.record:
        local = run_all(port_of(a.oracle))
        dyn = run_all(port_of(a.dynalite)) if a.dynalite else {}
        expected = {k: {"ddblocal": v, "dynalite": dyn.get(k)} for k, v in local.items()}
        with open(EXPECTED, "w") as f:
            json.dump(expected, f, indent=1, sort_keys=True)
        print(f"recorded {len(expected)} answers of DynamoDB Local and dynalite")
        return 0
    if a.oracle:
        recorded = json.load(open(EXPECTED))  # dynalite's recorded answers stand for the service's
        expected = {k: {"ddblocal": v, "dynalite": (recorded.get(k) or {}).get("dynalite")}
                    for k, v in run_all(port_of(a.oracle)).items()}
    else:
        expected = json.load(open(EXPECTED))
    proc, port = start_ours(a.binary)
    try:
        ours = run_all(port)
    finally:
        proc.terminate()
        proc.wait(10)
    passed = failed = 0
    differences = []
    follows_dynalite = []
    CASES.extend((f"stream_records_{t}", "GetRecords", {}, {}) for t in STREAM_TABLES)
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    for name, op, req, opts in CASES:
        rec = expected.get(name)
        got = ours[name]
        if rec is None:
            print(f"MISSING expectation for {name} (re-record)")
            failed += 1
            continue
        exp, dyn = rec["ddblocal"], rec.get("dynalite")
        # Strict: a case equals DynamoDB Local's answer unless service_answers.py names its documented
        # difference (then it equals dynalite's recorded answer, which is the service's) or it states `real=`.
        if name in SERVICE_ANSWERS and "real" not in opts:
            assert SERVICE_ANSWERS[name] in SOURCES, name
            if dyn and matches(dyn, got, opts):
                follows_dynalite.append((name, exp, dyn))
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name} ({op}): documented as the service's answer ({SERVICE_ANSWERS[name]})\n"
                      f"  service (dynalite): {json.dumps(dyn)[:600]}\n  ddb-local:          {json.dumps(got)[:600]}")
            continue
        if "real" in opts:
            want = {"status": 400, **opts["real"]}
            differences.append((name, exp, want))
            if "body" in want:  # the service answers 200 where DynamoDB Local fails
                ok = got == want
            else:
                ok = got.get("status") == want["status"] and got.get("type") == want["type"] and got.get("message") == want["message"]
        elif opts.get("loose") or (opts.get("count_only") and exp.get("status") == 200):
            if exp.get("status") == 200 and got.get("status") == 200 and opts.get("count_only"):
                ok = all(exp["body"].get(k) == got["body"].get(k) for k in ("Count", "ScannedCount"))
            else:
                ok = exp.get("status") == got.get("status") and exp.get("type") == got.get("type")
        else:
            ok = exp == got
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name} ({op})\n  DynamoDB Local: {json.dumps(exp)[:600]}\n  ddb-local:      {json.dumps(got)[:600]}")
    if differences:
        print(f"\n{len(differences)} cases follow the real service where DynamoDB Local differs:")
        for name, exp, want in differences:
            print(f"  {name}: DynamoDB Local says {exp.get('type')}: {exp.get('message')!r}; "
                  f"real: {want.get('message', json.dumps(want.get('body'))[:200])!r}")
    if follows_dynalite:
        print(f"\n{len(follows_dynalite)} cases give the service's answer (service_answers.py) where DynamoDB Local differs:")
        for name, exp, dyn in follows_dynalite:
            print(f"  [{SERVICE_ANSWERS[name]}]")
            print(f"  {name}: DynamoDB Local {exp.get('type', exp.get('status'))}: {str(exp.get('message', ''))[:90]!r}")
            print(f"  {' ' * len(name)}  real     {dyn.get('type', dyn.get('status'))}: {str(dyn.get('message', ''))[:90]!r}")
    print(f"\n{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
