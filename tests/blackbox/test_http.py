"""The HTTP layer as DynamoDB's: headers every answer carries."""
import email.utils
import http.client
import json
import time

from hostile import AUTH


def exchange(port, method, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, "/", body=body, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders())
    finally:
        c.close()


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
