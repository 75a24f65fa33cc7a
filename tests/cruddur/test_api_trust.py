"""Issue 10, item 5: the API trusts only its own origin and FRONTEND_URL, refuses ill-formed input with a
4xx, and never answers 500 — through the HTTP API, as a browser or a hostile client would send it."""
import base64
import http.client
import json
import random

import pytest

from conftest import Cruddur

DEMO = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"


def call(app, method, path, headers=None, body=None):
    host, port = app.url[len("http://"):].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data, {k.lower(): v for k, v in r.getheaders()}


@pytest.fixture(scope="module")
def served():
    c = Cruddur(env={"FRONTEND_URL": "http://frontend.example:3000"}).start()
    yield c
    c.stop()


def test_local_token_refuses_a_cross_origin_simple_post(served):
    # The attack: a page of another site posts text/plain (no preflight) and reads the token.
    body = json.dumps({"handle": "andrewbrown"})
    status, data, headers = call(served, "POST", "/api/auth/local-token",
                                 {"Origin": "http://evil.example", "Content-Type": "text/plain"}, body)
    assert status == 403 and b"access_token" not in data
    assert "access-control-allow-origin" not in headers
    # The web client on the server's own origin, FRONTEND_URL, and clients that send no Origin get one.
    own = served.url
    for origin in (own, "http://frontend.example:3000", None):
        h = {"Content-Type": "application/json"}
        if origin:
            h["Origin"] = origin
        status, data, headers = call(served, "POST", "/api/auth/local-token", h, body)
        assert status == 200 and "access_token" in json.loads(data), (origin, status, data)


def test_state_changing_routes_refuse_other_origins_and_cors_allows_only_the_frontend(served):
    token = served.token("andrewbrown")
    send = json.dumps({"message": "from evil", "message_group_uuid": DEMO})
    status, _, _ = call(served, "POST", "/api/messages",
                        {"Origin": "http://evil.example", "Authorization": "Bearer " + token, "Content-Type": "text/plain"}, send)
    assert status == 403
    # Nothing was posted: the newest message is not evil's.
    status, data, _ = call(served, "GET", f"/api/messages/{DEMO}?limit=1", {"Authorization": "Bearer " + token})
    assert status == 200 and json.loads(data)[0]["message"] != "from evil"
    # A read from another origin gets no CORS grant (the browser will not let the page see it).
    _, _, headers = call(served, "GET", "/api/message_groups", {"Origin": "http://evil.example", "Authorization": "Bearer " + token})
    assert "access-control-allow-origin" not in headers
    # A preflight from another origin is refused; from FRONTEND_URL it is granted for that origin only.
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
    status, _, headers = call(served, "OPTIONS", "/api/messages", dict(pre, Origin="http://evil.example"))
    assert status == 403 and "access-control-allow-origin" not in headers
    status, _, headers = call(served, "OPTIONS", "/api/messages", dict(pre, Origin="http://frontend.example:3000"))
    assert status == 204 and headers["access-control-allow-origin"] == "http://frontend.example:3000"
    _, _, headers = call(served, "GET", "/api/message_groups",
                         {"Origin": "http://frontend.example:3000", "Authorization": "Bearer " + token})
    assert headers["access-control-allow-origin"] == "http://frontend.example:3000"
    assert "*" not in headers.get("access-control-allow-origin", "")


def test_invalid_utf8_in_a_message_is_refused_and_the_conversation_stays_valid(served):
    token = served.token("andrewbrown")
    h = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    bad_bodies = [
        b'{"message": "caf\xe9", "message_group_uuid": "' + DEMO.encode() + b'"}',          # Latin-1 byte
        b'{"message": "\xc0\xaf", "message_group_uuid": "' + DEMO.encode() + b'"}',          # overlong
        b'{"message": "\xed\xa0\x80", "message_group_uuid": "' + DEMO.encode() + b'"}',      # raw surrogate
        b'{"message": "x\\udc00y", "message_group_uuid": "' + DEMO.encode() + b'"}',          # escaped lone surrogate
        b'{"message": "hi", "handle": "\xff\xfe"}',
    ]
    for body in bad_bodies:
        status, data, _ = call(served, "POST", "/api/messages", h, body)
        assert status in (400, 422), (body, status, data)
    status, data, _ = call(served, "GET", f"/api/messages/{DEMO}?limit=100", {"Authorization": "Bearer " + token})
    assert status == 200
    data.decode("utf-8")  # strict: the conversation is still valid UTF-8
    status, data, _ = call(served, "GET", "/api/message_groups", {"Authorization": "Bearer " + token})
    data.decode("utf-8")
    # A handle of ill-formed UTF-8 in a path is just not found.
    status, _, _ = call(served, "GET", "/api/users/@%ff%fe/short")
    assert status == 404


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_hostile_cursors_get_400_never_500(served):
    token = served.token("andrewbrown")
    h = {"Authorization": "Bearer " + token}
    me = json.loads(call(served, "GET", "/api/me", h)[1])
    cursors = [
        b64(b'{"pk":{"S":"MSG#' + DEMO.encode() + b'"},"sk":{"S":"2020"}}\x00junk'),   # NUL after the JSON
        b64(b'{"pk":{"S":"MSG#\x00"},"sk":{"S":"x"}}'),
        b64(b'{"pk":{"S":"MSG#other"},"sk":{"S":"x"}}'),                                 # another partition
        b64(b'{"pk":{"N":"1"},"sk":{"S":"x"}}'),
        b64(b'{"pk":{"S":"MSG#' + DEMO.encode() + b'"},"sk":{"S":"x"},"extra":{"S":"y"}}'),
        b64(b'{"pk":{"S":"MSG#' + DEMO.encode() + b'"},"sk":{"S":"\xff"}}'),
        b64(b'[' * 10000),
        b64(b'{"pk":{"S":"GRP#' + me["uuid"].encode() + b'"},"sk":{"B":"AA=="}}'),
        "%00", "!!!!", "a" * 10000, "",
    ]
    for c in cursors:
        for path in (f"/api/messages/{DEMO}", "/api/message_groups"):
            status, data, _ = call(served, "GET", f"{path}?cursor={c}", h)
            assert status in (200, 400), (path, c[:80], status, data[:200])
            assert b"Exception" not in data


def test_random_requests_never_get_a_5xx(served):
    # A small front-door fuzz of the API's parsing: random methods, paths, queries, headers and bodies.
    rnd = random.Random(10)
    token = served.token("bayko")
    paths = ["/api/messages", f"/api/messages/{DEMO}", "/api/message_groups", "/api/me", "/api/users/@bayko/short",
             "/api/auth/local-token", "/api/auth/config", "/api/health-check", "/api/nope", "/messages/new/x", "/"]
    pieces = [b"{", b"}", b'"message"', b'"handle"', b'"message_group_uuid"', b":", b",", b'"x"', b"1e999", b"null",
              b"[", b"]", b"\xff", b"\\u0000", b'"' + DEMO.encode() + b'"', b"\x00", b"true"]
    for i in range(600):
        path = rnd.choice(paths)
        query = rnd.choice(["", "?limit=" + rnd.choice(["0", "-1", "101", "abc", "5", "99999999999999999999"]),
                            "?cursor=" + rnd.choice(["%ff", "AAAA", "e30", b64(bytes(rnd.randrange(256) for _ in range(30)))])])
        body = b"".join(rnd.choice(pieces) for _ in range(rnd.randrange(12)))
        h = {"Content-Type": rnd.choice(["application/json", "text/plain"])}
        if rnd.random() < 0.7:
            h["Authorization"] = "Bearer " + token
        status, data, _ = call(served, rnd.choice(["GET", "POST", "PUT", "DELETE"]), path + query, h, body)
        assert status < 500, (i, path, query, body, status, data[:200])


def test_a_full_last_page_has_no_link_to_an_empty_page(served):
    h = {"Authorization": "Bearer " + served.token("andrewbrown")}
    status, data, headers = call(served, "GET", f"/api/messages/{DEMO}?limit=100", h)
    assert status == 200 and len(json.loads(data)) == 100 and "link" not in headers
    status, data, headers = call(served, "GET", f"/api/messages/{DEMO}?limit=50", h)
    assert len(json.loads(data)) == 50 and "link" in headers
    nxt = headers["link"].split(">")[0].lstrip("<")
    status, data, headers = call(served, "GET", nxt, h)
    assert status == 200 and len(json.loads(data)) == 50 and "link" not in headers
