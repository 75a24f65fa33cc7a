"""Raw HTTP helpers for the hostile-client tests: requests no SDK would send."""
import http.client
import json
import socket

AUTH = ("AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/dynamodb/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123")


def call(port, target, body, key="dummy", timeout=30, prefix="DynamoDB_20120810.", region="us-east-1"):
    """POSTs `body` (bytes, str or a JSON-able object) and returns (status, parsed body or raw bytes)."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("POST", "/", body=body, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": prefix + target,
            "Authorization": AUTH.format(key=key, region=region)})
        r = c.getresponse()
        raw = r.read()
    finally:
        c.close()
    try:
        return r.status, json.loads(raw)
    except ValueError:
        return r.status, raw


def assert_ddb_4xx(status, body, type_suffix=None):
    assert 400 <= status < 500, (status, body)
    assert isinstance(body, dict) and "__type" in body, body
    if type_suffix:
        assert body["__type"].endswith(type_suffix), body


def alive(port):
    status, body = call(port, "ListTables", {})
    assert status == 200, (status, body)
    return body


def open_idle(port):
    s = socket.create_connection(("127.0.0.1", port))
    return s


def exchange_raw(port, request, timeout=10):
    """Sends raw bytes and returns everything the server answers until it closes the connection."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(request)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    finally:
        s.close()
