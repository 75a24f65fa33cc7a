"""The HTTP layer as DynamoDB's: headers every answer carries; no connection waits for another's request."""
import email.utils
import http.client
import json
import os
import sys
import threading
import time

import pytest

from conftest import Server
from hostile import AUTH

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../diff"))
from ddbclient import Raw  # noqa: E402


def request(port, method, body=None, headers=None):
    """One request on its own connection: (status, headers with lower-case names, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, "/", body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), r.read()
    finally:
        c.close()


def exchange(port, method, body=None, headers=None):
    return request(port, method, body, headers)[:2]


def test_every_answer_has_a_date_header(server):
    # RFC 9110: an origin server with a clock sends Date; the SDKs use it to correct clock skew.
    target = {"Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH.format(key="dummy", region="us-east-1")}
    answers = [
        exchange(server.port, "GET"),                                                           # the health line
        exchange(server.port, "POST", b"{}", dict(target, **{"X-Amz-Target": "DynamoDB_20120810.ListTables"})),
        exchange(server.port, "POST", b"{}", dict(target, **{"X-Amz-Target": "DynamoDB_20120810.DescribeTable"})),
        exchange(server.port, "POST", b"{", dict(target, **{"X-Amz-Target": "DynamoDB_20120810.ListTables"})),
        exchange(server.port, "OPTIONS", headers={"Origin": "http://example.com"}),
    ]
    now = time.time()
    for status, headers in answers:
        assert "date" in headers, (status, headers)
        when = email.utils.parsedate_to_datetime(headers["date"])
        assert headers["date"].endswith(" GMT") and abs(when.timestamp() - now) < 60, headers["date"]
    assert [s for s, _ in answers] == [200, 200, 400, 400, 200]


def test_gzip_request_bodies_are_decoded_and_bombs_refused(server):
    # Recent SDKs may compress request bodies (Content-Encoding: gzip): the server reads them as decoded.
    import gzip
    from hostile import call
    c = server.client()
    c.create_table(TableName="zipped", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.PutItem",
               "Authorization": AUTH.format(key="dummy", region="eu-central-1"), "Content-Encoding": "gzip"}
    body = gzip.compress(json.dumps({"TableName": "zipped", "Item": {"pk": {"S": "z"}, "v": {"S": "x" * 5000}}}).encode())

    def post(raw):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("POST", "/", body=raw, headers=headers)
            r = conn.getresponse()
            return r.status, json.loads(r.read() or b"{}")
        finally:
            conn.close()

    assert post(body) == (200, {})
    assert c.get_item(TableName="zipped", Key={"pk": {"S": "z"}})["Item"]["v"]["S"] == "x" * 5000
    status, err = post(body[:-9])  # truncated
    assert status == 400 and err["__type"].endswith("SerializationException"), err
    bomb = gzip.compress(b" " * (64 << 20))  # 64 MiB of blanks in ~64 KB: over the 16 MiB body limit once inflated
    status, err = post(bomb)
    assert status == 413 and err["__type"].endswith("RequestEntityTooLarge"), err
    status, _ = call(server.port, "ListTables", {})
    assert status == 200  # and the server serves on


def test_large_replies_are_gzipped_for_clients_that_accept_it(server):
    # The service gzips large replies for a client that sends Accept-Encoding: gzip, and its x-amz-crc32 is
    # the CRC of the compressed bytes (smithy-lang/smithy-rs#129, aws/aws-sdk-go-v2#690, scylladb#5041).
    import gzip
    import zlib
    c = server.client()
    c.create_table(TableName="big", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    for i in range(20):
        c.put_item(TableName="big", Item={"pk": {"S": f"k{i}"}, "v": {"S": "text " * 100}})
    base = {"Content-Type": "application/x-amz-json-1.0", "Authorization": AUTH.format(key="dummy", region="eu-central-1")}

    def post(op, body, accept=None):
        h = dict(base, **{"X-Amz-Target": f"DynamoDB_20120810.{op}"})
        if accept is not None:
            h["Accept-Encoding"] = accept
        return request(server.port, "POST", json.dumps(body).encode(), h)

    plain_status, plain_headers, plain = post("Scan", {"TableName": "big"})
    assert plain_status == 200 and "content-encoding" not in plain_headers
    for accept in ["gzip", "gzip, deflate", "br;q=1.0, GZIP;q=0.5", "*", "x-gzip"]:
        status, headers, raw = post("Scan", {"TableName": "big"}, accept)
        assert status == 200 and headers.get("content-encoding") == "gzip", (accept, headers)
        assert int(headers["x-amz-crc32"]) == zlib.crc32(raw)  # of the bytes sent
        assert int(headers["content-length"]) == len(raw) < len(plain) // 4
        assert gzip.decompress(raw) == plain
    for accept in ["identity", "gzip;q=0", "deflate, br", "*;q=0", "gzip;q=0.000, *"]:
        status, headers, raw = post("Scan", {"TableName": "big"}, accept)
        assert "content-encoding" not in headers and raw == plain, accept
    # A small reply stays as it is, errors included.
    status, headers, raw = post("GetItem", {"TableName": "big", "Key": {"pk": {"S": "nope"}}}, "gzip")
    assert (status, raw) == (200, b"{}") and "content-encoding" not in headers
    status, headers, raw = post("DescribeTable", {"TableName": "nope"}, "gzip")
    assert status == 400 and "content-encoding" not in headers and json.loads(raw)["__type"].endswith("ResourceNotFoundException")
    # botocore (which sends no Accept-Encoding) reads the same items.
    assert len(c.scan(TableName="big")["Items"]) == 20


@pytest.mark.parametrize("threads", ["1", "2"])
def test_a_slow_request_holds_up_no_other_connection(threads):
    # One expensive request (a Scan whose filter compares 40 values against 100,000 list elements) must not
    # stall the clients on other connections: the I/O threads share one epoll set, so while one thread
    # works on the Scan another answers everybody else; with one I/O thread, the standby thread does once
    # it has been busy for a millisecond. (With connections tied to a thread, every connection dealt to the
    # Scan's thread waited for it; before the standby thread, one I/O thread made everyone wait.)
    s = Server("--threads", threads).start()
    try:
        setup = Raw(s.port)
        assert setup.call("CreateTable", {"TableName": "slow", "BillingMode": "PAY_PER_REQUEST",
                                          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})[0] == 200
        for i in range(2):
            item = {"pk": {"S": f"big{i}"}, "l": {"L": [{"N": "1"}] * 50000}}
            assert setup.call("PutItem", {"TableName": "slow", "Item": item})[0] == 200
        values = {f":v{i}": {"N": str(i + 2)} for i in range(40)}
        scan = {"TableName": "slow", "FilterExpression": " OR ".join(f"contains(l, {v})" for v in values),
                "ExpressionAttributeValues": values}
        slow, fast = Raw(s.port), [Raw(s.port) for _ in range(3)]
        for c in fast:  # every connection is open and has been answered once before the Scan starts
            assert c.call("GetItem", {"TableName": "slow", "Key": {"pk": {"S": "none"}}})[0] == 200
        done = threading.Event()
        answered = [0] * len(fast)

        def client(n):
            while not done.is_set():
                assert fast[n].call("GetItem", {"TableName": "slow", "Key": {"pk": {"S": "none"}}})[0] == 200
                if not done.is_set():
                    answered[n] += 1

        status, out = slow.call("Scan", dict(scan, Select="COUNT"))  # alone: how long it takes
        assert status == 200 and out["Count"] == 0 and out["ScannedCount"] == 2
        threads = [threading.Thread(target=client, args=(n,)) for n in range(len(fast))]
        for t in threads:
            t.start()
        status, out = slow.call("Scan", dict(scan, Select="COUNT"))
        done.set()
        for t in threads:
            t.join()
        assert status == 200 and out["ScannedCount"] == 2
        # Every connection was answered while the Scan ran, about as often as the others (a connection that
        # waited for the Scan gets a handful of answers in, before it starts, against thousands).
        assert min(answered) >= 10 and min(answered) * 4 >= max(answered), answered
    finally:
        s.stop()


def test_requests_without_a_signature_get_the_services_authentication_errors(server):
    # The service's answers (quoted in aws/aws-sdk-ios-samples#111 and amazon-archives/aws-dynamodb-session-tomcat#42;
    # dynalite, written against the service, answers the same); DynamoDB Local says
    # "com.amazonaws.dynamodb.v20120810#MissingAuthenticationToken" in its own words.
    def answer(authorization):
        headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables",
                   "X-Amz-Date": "20260101T000000Z"}
        if authorization is not None:
            headers["Authorization"] = authorization
        status, _, body = request(server.port, "POST", b"{}", headers)
        return status, json.loads(body)

    missing = (400, {"__type": "com.amazon.coral.service#MissingAuthenticationTokenException",
                     "message": "Request is missing Authentication Token"})
    assert answer(None) == missing
    assert answer("Bearer abc") == missing
    status, body = answer("AWS4-HMAC-SHA256 Signature=00")
    assert (status, body["__type"]) == (400, "com.amazon.coral.service#IncompleteSignatureException")
    assert body["message"] == ("Authorization header requires 'Credential' parameter. Authorization header requires "
                               "'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Signature=00")
    assert answer("AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, "
                  "Signature=00")[0] == 200


@pytest.mark.parametrize("threads", ["1", "2"])
def test_idle_polling_answers_every_client_then_sleeps(threads):
    # --idle-poll-us: an I/O thread out of work (one at a time) polls for the next request before it
    # sleeps. Several sequential clients at once must all be answered, every write must be there, the
    # server must stop burning CPU once the clients go, and it must stop on SIGTERM at once.
    s = Server("--threads", threads, "--idle-poll-us", "1000").start()
    try:
        setup = Raw(s.port)
        assert setup.call("CreateTable", {"TableName": "poll", "BillingMode": "PAY_PER_REQUEST",
                                          "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                                          "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})[0] == 200
        errors = []

        def client(n):
            c = Raw(s.port)
            for i in range(150):
                item = {"pk": {"S": f"{n}-{i}"}, "v": {"N": str(i)}}
                if c.call("PutItem", {"TableName": "poll", "Item": item})[0] != 200:
                    errors.append(("put", n, i))
                status, out = c.call("GetItem", {"TableName": "poll", "Key": {"pk": {"S": f"{n}-{i}"}}})
                if status != 200 or out.get("Item") != item:
                    errors.append(("get", n, i, status, out))

        threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        status, out = setup.call("Scan", {"TableName": "poll", "Select": "COUNT"})
        assert status == 200 and out["Count"] == 600
        # Idle: a thread that never went to sleep would take a whole CPU; one polls at most 1 ms (less as
        # the idle spells outlast it) before it sleeps in epoll_wait.
        time.sleep(0.1)
        before = s.cpu_seconds()
        time.sleep(1.0)
        assert s.cpu_seconds() - before < 0.2, "the server kept polling while idle"
        started = time.monotonic()
        s.stop()
        assert s.proc.returncode == 0 and time.monotonic() - started < 5
    finally:
        s.stop()
