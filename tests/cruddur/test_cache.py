"""Issue 13: the cache (embedded and Redis), unread counters, cache-aside reads and live events, through
the HTTP API of real `cruddur serve` processes (and a real redis-server)."""
import http.client
import json
import os
import queue
import threading
import time

import pytest

from conftest import Cruddur, DdbLocal, wait_caught_up

DEMO = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"


def wait_for(fn, timeout=20, step=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()


@pytest.fixture(params=["embedded", "redis"])
def served(request):
    env = {}
    redis = None
    if request.param == "redis":
        redis = request.getfixturevalue("redis")
        env["CACHE_URL"] = redis.url
    c = Cruddur(env=env).start()
    c.backend, c.redis = request.param, redis
    yield c
    c.stop()


def caught_up(app):
    wait_caught_up(app.dynamodb_url, "cruddur-messages", os.path.join(app.data_dir, "stream-checkpoint.json"))


def counter(app, token):
    status, body, _ = app.request("GET", "/api/messages/counter", token)
    assert status == 200, body
    return body


def stats(app):
    return app.request("GET", "/api/stats")[1]


def start_conversation(app, sender, receiver_handle, texts):
    group = None
    for t in texts:
        body = {"message": t, "message_group_uuid": group} if group else {"message": t, "handle": receiver_handle}
        status, sent, _ = app.request("POST", "/api/messages", sender, body)
        assert status == 200, sent
        group = sent["message_group_uuid"]
    return group


def test_unread_counts_up_with_the_worker_and_clears_on_reading(served):
    londo, bayko = served.token("londo"), served.token("bayko")
    base = counter(served, bayko)
    group = start_conversation(served, londo, "bayko", ["one", "two", "three"])
    got = wait_for(lambda: counter(served, bayko)["groups"].get(group) == 3 and counter(served, bayko))
    assert got and got["count"] == base["count"] + 3, got
    assert counter(served, londo)["groups"].get(group) is None  # your own messages are not unread
    # Reading the newest page clears it (and only it).
    assert served.request("GET", f"/api/messages/{group}", bayko)[0] == 200
    after = counter(served, bayko)
    assert group not in after["groups"] and after["count"] == base["count"]
    # POST .../read clears too (here: the demo conversation, which bayko never read).
    if base["groups"].get(DEMO):
        status, body, _ = served.request("POST", f"/api/messages/{DEMO}/read", bayko, {})
        assert status == 200 and DEMO not in body["groups"], body
    assert served.request("POST", f"/api/messages/{DEMO}/read", served.token("londo"), {})[0] == 403


def test_cached_reads_make_no_dynamodb_calls_and_are_never_stale_after_a_post(served):
    t = served.token("andrewbrown")
    caught_up(served)  # the worker's replay of the seed invalidates as it goes
    assert served.request("GET", "/api/message_groups", t)[0] == 200
    assert served.request("GET", f"/api/messages/{DEMO}", t)[0] == 200
    s0 = stats(served)
    for _ in range(5):
        assert served.request("GET", "/api/message_groups", t)[0] == 200
        assert served.request("GET", f"/api/messages/{DEMO}", t)[0] == 200
    s1 = stats(served)
    assert s1["dynamodb_calls"] == s0["dynamodb_calls"], (s0, s1)
    assert s1["cache_hits"] >= s0["cache_hits"] + 10
    # The write path invalidates the conversation's page: the next read has the message.
    status, sent, _ = served.request("POST", "/api/messages", t, {"message": "fresh", "message_group_uuid": DEMO})
    assert status == 200
    newest = served.request("GET", f"/api/messages/{DEMO}", t)[1]
    assert newest[-1]["uuid"] == sent["uuid"]
    # The stream worker invalidates the lists it moves: the list shows it as soon as the worker did.
    assert wait_for(lambda: served.request("GET", "/api/message_groups", t)[1][0]["message"] == "fresh")


def test_counts_survive_restarts_replays_and_a_flushed_cache(served):
    londo, bayko = served.token("londo"), served.token("bayko")
    group = start_conversation(served, londo, "bayko", ["a", "b"])
    want = wait_for(lambda: counter(served, bayko)["groups"].get(group) == 2 and counter(served, bayko))
    assert want
    if served.redis:
        assert served.redis.cli("FLUSHALL").startswith(b"+OK")
        assert counter(served, bayko) == want  # recomputed from DynamoDB
    # A restart that replays the whole stream (no checkpoint) counts nothing twice.
    cp = os.path.join(served.data_dir, "stream-checkpoint.json")
    served.proc.terminate()
    served.proc.wait(30)
    seq = json.load(open(cp))["sequence"]
    os.remove(cp)
    served.start()
    assert wait_for(lambda: os.path.exists(cp) and int(json.load(open(cp))["sequence"]) >= int(seq), timeout=30)
    assert counter(served, bayko) == want


def test_the_api_keeps_serving_when_redis_is_down(redis):
    app = Cruddur(env={"CACHE_URL": redis.url}).start()
    try:
        t = app.token("andrewbrown")
        status, health, _ = app.request("GET", "/api/health-check")
        assert status == 200 and health["cache"] is True
        redis.stop()
        for _ in range(3):
            assert app.request("GET", "/api/message_groups", t)[0] == 200
            assert app.request("GET", f"/api/messages/{DEMO}", t)[0] == 200
            assert app.request("GET", "/api/messages/counter", t)[0] == 200
        status, sent, _ = app.request("POST", "/api/messages", t, {"message": "still here", "message_group_uuid": DEMO})
        assert status == 200
        status, health, _ = app.request("GET", "/api/health-check")
        assert status == 200 and health["cache"] is False and health["dynamodb"] is True
        assert app.request("POST", "/api/events/token", t)[0] == 503  # live events need the cache: clients poll
        # Redis comes back (same port): the cache is used again.
        redis.start(port=redis.port)
        assert wait_for(lambda: app.request("GET", "/api/health-check")[1]["cache"] is True, timeout=20)
    finally:
        app.stop()


class Events:
    """An SSE client of GET /api/events: a thread puts (event, data, arrival time) on a queue."""

    def __init__(self, app, token):
        status, body, _ = app.request("POST", "/api/events/token", token)
        assert status == 200, body
        host, port = app.url[len("http://"):].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.conn.request("GET", "/api/events?token=" + body["token"])
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200 and self.resp.getheader("Content-Type") == "text/event-stream"
        self.q = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        assert self.next("ready")

    def read(self):
        event, data = None, None
        try:
            for raw in self.resp:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and event:
                    self.q.put((event, json.loads(data), time.time()))
                    event, data = None, None
        except Exception:
            pass

    def next(self, kind, timeout=10, where=lambda d: True):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                ev, data, at = self.q.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            if ev == kind and where(data):
                return data, at
        return None

    def close(self):
        self.conn.close()


def test_events_need_a_fresh_token_and_deliver_messages_and_counts(served):
    andrew, bayko = served.token("andrewbrown"), served.token("bayko")
    host, port = served.url[len("http://"):].split(":")
    for bad in ("", "0" * 48, "not-a-token"):
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        c.request("GET", "/api/events?token=" + bad)
        assert c.getresponse().status == 401
        c.close()
    ev = Events(served, bayko)
    try:
        status, sent, _ = served.request("POST", "/api/messages", andrew, {"message": "live?", "message_group_uuid": DEMO})
        assert status == 200
        got = ev.next("message", where=lambda d: d["message"]["uuid"] == sent["uuid"])
        assert got and got[0]["group"] == DEMO
        c = ev.next("counter", where=lambda d: d["groups"].get(DEMO))
        assert c and c[0] == counter(served, bayko)
        assert ev.next("groups", where=lambda d: d["group"] == DEMO)
    finally:
        ev.close()


def test_two_servers_on_one_ddb_local_and_one_redis_message_live(redis):
    ddb = DdbLocal().start()
    a = Cruddur(ddb_endpoint=ddb.url, env={"CACHE_URL": redis.url}).start()
    b = Cruddur(ddb_endpoint=ddb.url, env={"CACHE_URL": redis.url}).start()
    try:
        on_a, on_b = a.token("andrewbrown"), b.token("bayko")  # each signed in on their own server
        ev = Events(b, on_b)
        latencies = []
        for i in range(30):
            t0 = time.time()
            status, sent, _ = a.request("POST", "/api/messages", on_a, {"message": f"across {i}", "message_group_uuid": DEMO})
            assert status == 200
            got = ev.next("message", where=lambda d: d["message"]["uuid"] == sent["uuid"])
            assert got, f"message {i} did not reach the other server's user"
            latencies.append(got[1] - t0)
        latencies.sort()
        # The target is 500 ms at p99 (bench/live.py measures it on a Release build); this
        # sanitizer build only has to be well within a poll interval.
        assert latencies[int(len(latencies) * 0.99) - 1] < 2.0, latencies
        # The reader on B sees the counts the worker keeps, and reading on B clears them for both servers.
        assert wait_for(lambda: counter(b, on_b)["groups"].get(DEMO, 0) >= 30)
        assert b.request("GET", f"/api/messages/{DEMO}", on_b)[0] == 200
        assert counter(b, on_b)["groups"].get(DEMO) is None
        ev.close()
    finally:
        a.stop()
        b.stop()
        ddb.stop()


def test_counts_stay_exact_as_a_backlog_grows_and_after_reads(served):
    londo, altbrown = served.token("londo"), served.token("altbrown")
    counter(served, altbrown)  # warm: from here on the worker adds each message to the cached count
    group = start_conversation(served, londo, "altbrown", [f"backlog {i}" for i in range(40)])
    assert wait_for(lambda: counter(served, altbrown)["groups"].get(group) == 40), counter(served, altbrown)
    assert served.request("GET", f"/api/messages/{group}", altbrown)[0] == 200  # read all
    assert group not in counter(served, altbrown)["groups"]
    start_conversation(served, londo, "altbrown", ["after the read 1"])  # reuses the conversation
    for i in range(2, 6):
        assert served.request("POST", "/api/messages", londo, {"message": f"after the read {i}", "message_group_uuid": group})[0] == 200
    caught_up(served)
    assert counter(served, altbrown)["groups"].get(group) == 5
    # Her own replies are never unread for her, and do not disturb her count.
    assert served.request("POST", "/api/messages", altbrown, {"message": "reply", "message_group_uuid": group})[0] == 200
    caught_up(served)
    assert counter(served, altbrown)["groups"].get(group) == 5


def test_both_sides_writing_at_once_count_for_the_other_side_and_move_the_rows_to_the_newest(served):
    """Messages of both participants arriving together (the stream worker takes them in one batch and
    moves the conversation once, to the newest) count only for the other side, and both conversation
    rows end at the newest message."""
    londo, bayko = served.token("londo"), served.token("bayko")
    group = start_conversation(served, londo, "bayko", ["open"])
    caught_up(served)
    assert served.request("GET", f"/api/messages/{group}", bayko)[0] == 200  # bayko has read "open"
    base = {"londo": counter(served, londo)["groups"].get(group, 0), "bayko": counter(served, bayko)["groups"].get(group, 0)}
    sent = []

    def post(name, token):
        for i in range(25):
            status, body, _ = served.request("POST", "/api/messages", token,
                                             {"message": f"{name} {i}", "message_group_uuid": group})
            assert status == 200, body
            sent.append(body)
    writers = [threading.Thread(target=post, args=(n, t)) for n, t in (("londo", londo), ("bayko", bayko))]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    assert len(sent) == 50
    caught_up(served)
    assert counter(served, londo)["groups"].get(group) == base["londo"] + 25
    assert counter(served, bayko)["groups"].get(group) == base["bayko"] + 25
    newest = max(sent, key=lambda m: m["created_at"])
    for token in (londo, bayko):
        rows = {r["uuid"]: r for r in served.request("GET", "/api/message_groups", token)[1]}
        assert rows[group]["message"] == newest["message"], rows[group]
