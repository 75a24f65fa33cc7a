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
