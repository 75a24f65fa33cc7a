#!/usr/bin/env python3
"""How long a message takes to reach the other user live: from the start of POST /api/messages to
the arrival of its "message" event on the other user's GET /api/events stream.
  bench/live.py [build dir (default build-release)] [messages (default 200)]
Two setups in one run: one `cruddur serve` with the embedded cache, and two servers (A posts, B
streams) on one ddb-local and one redis-server, so every event crosses Redis pub/sub."""
import http.client
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

from benchlib import free_port

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../build-release"))
N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
DEMO = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"
procs = []


def spawn(cmd, ready):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         env=dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench"))
    procs.append(p)
    for line in p.stdout:
        m = re.search(ready, line)
        if m:
            return p, m
    raise RuntimeError("did not start: " + " ".join(cmd))


def serve(*flags):
    data = tempfile.mkdtemp(prefix="live-bench-")
    _, m = spawn([f"{BUILD}/cruddur", "serve", "--port", "0", "--ddb-port", "0", "--data-dir", data, *flags],
                 r"Listening on (http://127\.0\.0\.1:\d+)")
    return m.group(1), data


def token(data, handle):
    return subprocess.run([f"{BUILD}/cruddur", "auth", "token", handle, "--data-dir", data], capture_output=True,
                          text=True, check=True).stdout.strip()


def post(url, tok, body):
    req = urllib.request.Request(url + "/api/messages", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def events(url, tok):
    req = urllib.request.Request(url + "/api/events/token", data=b"", method="POST", headers={"Authorization": "Bearer " + tok})
    with urllib.request.urlopen(req, timeout=30) as r:
        t = json.loads(r.read())["token"]
    host, port = url[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.request("GET", "/api/events?token=" + t)
    resp = conn.getresponse()
    q = queue.Queue()

    def read():
        event = None
        for raw in resp:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "message":
                q.put((json.loads(line[6:])["message"]["uuid"], time.time()))
    threading.Thread(target=read, daemon=True).start()
    return q


def measure(name, post_url, post_tok, q):
    time.sleep(1)  # the stream is open and the seed's records are behind the workers
    lat = []
    for i in range(N):
        t0 = time.time()
        sent = post(post_url, post_tok, {"message": f"live {i}", "message_group_uuid": DEMO})
        while True:
            uuid, at = q.get(timeout=10)
            if uuid == sent["uuid"]:
                lat.append((at - t0) * 1000)
                break
        time.sleep(0.02)
    lat.sort()
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p / 100))]
    print(f"{name:44s} n={N} p50={pct(50):.2f} ms p99={pct(99):.2f} ms max={lat[-1]:.2f} ms")


try:
    url, data = serve()
    measure("one server, embedded cache", url, token(data, "andrewbrown"), events(url, token(data, "bayko")))
    _, m = spawn([f"{BUILD}/ddb-local", "-inMemory", "-sharedDb", "--port", "0"], r"Listening on (http://127\.0\.0\.1:\d+)")
    rport = free_port()
    spawn(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], r"Ready to accept")
    flags = ["--ddb-endpoint", m.group(1), "--cache-url", f"redis://127.0.0.1:{rport}/0"]
    a_url, a_data = serve(*flags)
    b_url, b_data = serve(*flags)
    measure("two servers via Redis (post on A, stream on B)", a_url, token(a_data, "andrewbrown"), events(b_url, token(b_data, "bayko")))
finally:
    for p in procs:
        p.terminate()
