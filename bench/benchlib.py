"""What the Python benchmarks in bench/ share: a minimal DynamoDB client, the server's CPU time, the
NAME=URL[#PID] target list, and one measured wrk run of a Lua script (its RESULT line parsed)."""
import http.client
import json
import os
import socket
import subprocess

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


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])


def parse_targets(specs):
    """NAME=URL[#PID] ... -> [(name, url, pid or None)]."""
    targets = []
    for t in specs:
        name, rest = t.split("=", 1)
        url, _, pid = rest.partition("#")
        targets.append((name, url, int(pid) if pid else None))
    return targets


def wrk_run(url, pid, script, seconds, env=None, warmup=3):
    """A warm-up, then one measured wrk run (1 thread, 16 connections) of a script that prints
    "RESULT ops/s=.. p50ms=.. p99ms=.. errors=.. [non2xx=..]". Returns (ops/s, p50, p99, errors, server us/op)."""
    env = dict(os.environ, **(env or {}))
    cmd = ["wrk", "-t1", "-c16", "-s", script, url]
    subprocess.run(cmd[:3] + [f"-d{warmup}s"] + cmd[3:], env=env, capture_output=True)
    t0 = cpu_ticks(pid) if pid else None
    out = subprocess.run(cmd[:3] + [f"-d{seconds}s"] + cmd[3:], env=env, capture_output=True, text=True).stdout
    vals = dict(kv.split("=") for kv in [l for l in out.splitlines() if l.startswith("RESULT")][0].split()[1:])
    ops = float(vals["ops/s"])
    us = (cpu_ticks(pid) - t0) * 1e6 / os.sysconf("SC_CLK_TCK") / (ops * seconds) if pid else float("nan")
    return ops, vals["p50ms"], vals["p99ms"], int(vals["errors"]) + int(vals.get("non2xx", 0)), us
