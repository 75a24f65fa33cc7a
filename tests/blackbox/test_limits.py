"""Resources a client can hold are bounded, and the server's lifecycle is real: descriptors with
many access keys, idle connections, unfinished bodies, and a stop that finishes in-flight requests."""
import json
import resource
import signal
import socket
import threading
import time

import pytest

from conftest import Server
from hostile import AUTH, alive, assert_ddb_4xx, call

SPEC = {"TableName": "t_limits", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}]}


def raw_request(target, body, declared=None):
    """Header bytes of a POST whose Content-Length may differ from what is then sent."""
    declared = len(body) if declared is None else declared
    return (f"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
            f"X-Amz-Target: DynamoDB_20120810.{target}\r\nAuthorization: {AUTH.format(key='dummy', region='us-east-1')}\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode()


def read_response(sock, timeout=30):
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def test_500_access_keys_work_under_a_1024_descriptor_limit(data_dir):
    s = Server("--max-open-databases", "32", data_dir=data_dir, nofile=1024).start()
    try:
        for i in range(500):
            key = f"key{i:03d}"
            status, body = call(s.port, "CreateTable", SPEC, key=key)
            assert status == 200, (i, body)
            status, body = call(s.port, "PutItem", {"TableName": "t_limits", "Item": {"k": {"S": key}}}, key=key)
            assert status == 200, (i, body)
        fds = s.fds()
        # Every database still answers, reopened from disk when it was closed for being idle.
        for i in range(0, 500, 37):
            key = f"key{i:03d}"
            status, body = call(s.port, "GetItem", {"TableName": "t_limits", "Key": {"k": {"S": key}}}, key=key)
            assert status == 200 and body["Item"]["k"]["S"] == key, body
        print(f"descriptors with 500 access keys: {fds}")
        assert fds < 600
    finally:
        s.stop()


def test_idle_connections_neither_lock_out_new_clients_nor_spin(server_factory):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1400:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    s = server_factory(nofile=1024)
    idle = []
    try:
        for _ in range(1100):
            try:
                idle.append(socket.create_connection(("127.0.0.1", s.port), timeout=5))
            except OSError:
                break
        rss = s.rss_mb()
        cpu0 = s.cpu_seconds()
        t0 = time.time()
        status, body = call(s.port, "ListTables", {}, timeout=10)  # a new client is served
        assert status == 200, body
        time.sleep(1.0)  # measuring CPU over an interval: the accept loop must not spin meanwhile
        used = (s.cpu_seconds() - cpu0) / (time.time() - t0)
        print(f"1,100 idle connections: RSS {rss:.1f} MB, CPU {used * 100:.0f}% while idle")
        assert used < 0.5
        assert rss < 200
    finally:
        for c in idle:
            c.close()


def test_unfinished_bodies_are_bounded_by_the_pending_body_budget(server_factory):
    s = server_factory("--max-pending-body-mb", "64")
    base_rss = s.rss_mb()
    conns, answers = [], []
    chunk = b" " * (1 << 20)
    try:
        for _ in range(40):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=30)
            c.sendall(raw_request("PutItem", b"", declared=15 << 20))
            try:
                for _ in range(14):
                    c.sendall(chunk)
            except OSError:
                pass  # refused: the server answered and closed while we were still sending
            conns.append(c)
        rss = s.rss_mb()
        for c in conns:
            c.settimeout(0.2)
            try:
                answers.append(c.recv(4096))
            except OSError:
                answers.append(b"")
        print(f"40 unfinished 15 MB bodies: RSS {base_rss:.0f} -> {rss:.0f} MB")
        assert rss < base_rss + 64 + 80
        throttled = [a for a in answers if b"ThrottlingException" in a]
        assert len(throttled) >= 30, answers[:3]
        alive(s.port)
    finally:
        for c in conns:
            c.close()


def test_stop_finishes_an_in_flight_request_then_exits(data_dir):
    s = Server(data_dir=data_dir).start()
    call(s.port, "CreateTable", SPEC)
    body = json.dumps({"TableName": "t_limits", "Item": {"k": {"S": "in-flight"}}}).encode()
    c = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    c.sendall(raw_request("PutItem", body) + body[:10])  # half a request is on the wire
    time.sleep(0.2)  # let the server read the header (nothing to observe from outside)
    s.proc.send_signal(signal.SIGTERM)
    # Once it no longer accepts, the in-flight request is still owed its answer.
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", s.port), timeout=1).close()
            time.sleep(0.05)
        except OSError:
            break
    else:
        pytest.fail("still accepting after SIGTERM")
    assert s.proc.poll() is None
    c.sendall(body[10:])
    resp = read_response(c)
    assert resp.startswith(b"HTTP/1.1 200"), resp
    assert s.proc.wait(10) == 0
    s.stop()
    s2 = Server(data_dir=data_dir).start()
    try:
        status, got = call(s2.port, "GetItem", {"TableName": "t_limits", "Key": {"k": {"S": "in-flight"}}})
        assert got["Item"]["k"]["S"] == "in-flight"
    finally:
        s2.stop()


@pytest.fixture
def server_factory():
    started = []

    def make(*args, **kw):
        s = Server(*args, **kw).start()
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()
