"""The messaging system end to end, through HTTP as a user would, on the embedded engine and on a
separate ddb-local over HTTP. Tests named defect_N would fail on the original's behaviour N
(MESSAGING.md, "Defects of the original that we fix")."""
import concurrent.futures
import json
import os
import subprocess
import time
import urllib.request

import pytest

from conftest import wait_caught_up

DEMO = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"


def wait_for(fn, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    return fn()


def page_all(app, token, path, limit):
    """Follows Link rel=next from the newest page to the oldest; returns pages in request order."""
    pages = []
    url = f"{path}?limit={limit}"
    while url:
        status, body, headers = app.request("GET", url, token)
        assert status == 200
        pages.append(body)
        link = headers.get("Link")
        url = link[1:link.index(">")] if link else None
    return pages


def test_conversation_end_to_end(app):
    a, b, c = app.token("londo"), app.token("altbrown"), app.token("bayko")
    status, sent, _ = app.request("POST", "/api/messages", a, {"message": "Hello @altbrown", "handle": "altbrown"})
    assert status == 200
    group = sent["message_group_uuid"]
    assert sent["handle"] == "londo" and sent["message"] == "Hello @altbrown"
    # B sees the conversation with A.
    status, groups, _ = app.request("GET", "/api/message_groups", b)
    assert status == 200
    assert [(g["uuid"], g["handle"], g["message"]) for g in groups] == [(group, "londo", "Hello @altbrown")]
    # B replies; A's list shows B's reply as the last message (moved there by the stream worker).
    status, reply, _ = app.request("POST", "/api/messages", b, {"message": "Hi Londo", "message_group_uuid": group})
    assert status == 200 and reply["message_group_uuid"] == group

    def a_sees_reply():
        _, gs, _ = app.request("GET", "/api/message_groups", a)
        return gs and gs[0]["message"] == "Hi Londo" and gs[0]["created_at"] == reply["created_at"]
    assert wait_for(a_sees_reply)
    status, msgs, _ = app.request("GET", f"/api/messages/{group}", a)
    assert [m["message"] for m in msgs] == ["Hello @altbrown", "Hi Londo"]
    # A third user cannot read or post (defect 3).
    assert app.request("GET", f"/api/messages/{group}", c)[0] == 403
    assert app.request("POST", "/api/messages", c, {"message": "x", "message_group_uuid": group})[0] == 403
    # Health check covers the API, DynamoDB and the directory.
    status, health, _ = app.request("GET", "/api/health-check")
    assert status == 200 and health == {"api": True, "dynamodb": True, "directory": True, "cache": True}


def test_defect_2_pages_through_the_100_message_demo_both_ways(app):
    t = app.token("andrewbrown")
    pages = page_all(app, t, f"/api/messages/{DEMO}", 30)
    assert [len(p) for p in pages] == [30, 30, 30, 10]
    # Each page is oldest to newest; pages go back in time.
    flat_oldest_first = [m for p in reversed(pages) for m in p]
    times = [m["created_at"] for m in flat_oldest_first]
    assert len(flat_oldest_first) == 100 and times == sorted(times) and len(set(times)) == 100
    assert flat_oldest_first[0]["message"] == "Demo message 1 of 100 from @andrewbrown"
    assert flat_oldest_first[-1]["message"] == "Demo message 100 of 100 from @bayko"
    # The same conversation forwards in time: pages of 100 at once equal the concatenation.
    status, everything, headers = app.request("GET", f"/api/messages/{DEMO}?limit=100", t)
    assert [m["uuid"] for m in everything] == [m["uuid"] for m in flat_oldest_first]
    # One minute apart, ending about now.
    assert abs(time.time() - time.mktime(time.strptime(times[-1][:19], "%Y-%m-%dT%H:%M:%S")) + time.timezone) < 300


def test_defect_4_post_returns_the_message_uuid(app):
    t = app.token("andrewbrown")
    status, sent, _ = app.request("POST", "/api/messages", t, {"message": "uuid check", "message_group_uuid": DEMO})
    assert status == 200
    users = json.loads(app.run("ddb", "scan", "--json", "--endpoint", app.dynamodb_url).stdout)
    me = app.request("GET", "/api/users/@andrewbrown/short")[1]
    assert sent["uuid"] != me["uuid"]
    assert any(i.get("message_uuid", {}).get("S") == sent["uuid"] for i in users)


def test_defect_5_same_microsecond_messages_all_survive(app):
    t = app.token("andrewbrown")
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        results = list(ex.map(lambda i: app.request("POST", "/api/messages", t, {"message": f"burst {i}", "message_group_uuid": DEMO}),
                              range(40)))
    assert all(r[0] == 200 for r in results)
    stamps = [r[1]["created_at"] for r in results]
    assert len(set(stamps)) == 40
    assert all(len(s) == 27 and s.endswith("Z") for s in stamps)  # one fixed-width form
    _, msgs, _ = app.request("GET", f"/api/messages/{DEMO}?limit=100", t)
    assert sum(1 for m in msgs if m["message"].startswith("burst ")) == 40


def test_defect_6_new_conversation_is_atomic_and_race_free(app):
    a, b = app.token("altbrown"), app.token("bayko")
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        futures = [ex.submit(app.request, "POST", "/api/messages", a if i % 2 else b,
                             {"message": f"race {i}", "handle": "bayko" if i % 2 else "altbrown"}) for i in range(16)]
        results = [f.result() for f in futures]
    assert all(r[0] == 200 for r in results), results
    assert len({r[1]["message_group_uuid"] for r in results}) == 1  # one conversation, reused by all
    _, groups, _ = app.request("GET", "/api/message_groups", a)
    assert [g["handle"] for g in groups].count("bayko") == 1


def test_defect_7_and_8_validation_errors(app):
    t = app.token("londo")
    assert app.request("POST", "/api/messages", t, {"message": "", "handle": "londo"})[:2] == \
        (422, ["message_blank", "cannot_message_self"])
    assert app.request("POST", "/api/messages", t, {"message": "x" * 1025, "handle": "nobody"})[:2] == \
        (422, ["message_exceed_max_chars_1024", "user_receiver_not_found"])
    assert app.request("POST", "/api/messages", t, {"message": "é" * 1024, "handle": "altbrown"})[0] == 200  # characters, not bytes
    assert app.request("POST", "/api/messages", t, {"message": "hi"})[:2] == (422, ["message_group_uuid_blank"])
    assert app.request("POST", "/api/messages", t, {"message": "hi", "handle": ""})[:2] == (422, ["user_receiver_handle_blank"])
    assert app.request("POST", "/api/messages", t, raw=b"{not json")[0] == 400
    assert app.request("GET", "/api/messages/00000000-0000-4000-8000-000000000000", t)[0] == 404
    assert app.request("GET", "/api/messages/not-a-uuid", t)[0] == 404
    assert app.request("GET", "/api/users/@nobody/short")[0] == 404
    assert app.request("GET", "/api/users/@bayko/short")[1]["display_name"] == "Andrew Bayko"
    assert app.request("GET", "/api/message_groups?limit=0", t)[0] == 422
    assert app.request("GET", "/api/message_groups?cursor=!!!", t)[0] == 400


def test_defect_12_tokens_are_checked(app):
    good = app.token("londo")
    assert app.request("GET", "/api/message_groups", None)[:2] == (401, {})
    assert app.request("GET", "/api/message_groups", "garbage")[:2] == (401, {})
    head, payload, sig = good.split(".")
    forged = head + "." + payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB") + "." + sig
    assert app.request("GET", "/api/message_groups", forged)[0] == 401
    assert app.request("GET", "/api/message_groups", good)[0] == 200
    # No CORS grant to just anyone (test_api_trust.py covers the origins that get one).
    _, _, headers = app.request("GET", "/api/health-check")
    assert "Access-Control-Allow-Origin" not in headers


def test_defect_1_old_conversations_do_not_vanish(embedded):
    app = embedded
    t = app.token("londo")
    _, sent, _ = app.request("POST", "/api/messages", t, {"message": "new year", "handle": "altbrown"})
    # A conversation last active two years ago, written straight into the table.
    me = app.request("GET", "/api/users/@londo/short")[1]
    import boto3
    ddb = boto3.client("dynamodb", endpoint_url=app.dynamodb_url, region_name="eu-central-1",
                       aws_access_key_id="x", aws_secret_access_key="x")
    ddb.put_item(TableName="cruddur-messages", Item={
        "pk": {"S": "GRP#" + me["uuid"]}, "sk": {"S": "2024-01-01T00:00:00.000000Z"},
        "message_group_uuid": {"S": "11111111-2222-4333-8444-555555555555"}, "message": {"S": "from 2024"},
        "user_uuid": {"S": "x"}, "user_display_name": {"S": "Old Friend"}, "user_handle": {"S": "oldfriend"}})
    _, groups, _ = app.request("GET", "/api/message_groups", t)
    assert [g["message"] for g in groups] == ["new year", "from 2024"]


def test_defect_9_worker_never_lets_an_older_message_win(embedded):
    app = embedded
    import boto3
    ddb = boto3.client("dynamodb", endpoint_url=app.dynamodb_url, region_name="eu-central-1",
                       aws_access_key_id="x", aws_secret_access_key="x")
    t = app.token("andrewbrown")
    _, newest, _ = app.request("POST", "/api/messages", t, {"message": "newest", "message_group_uuid": DEMO})
    # A late-arriving older message row (e.g. a replayed or delayed write).
    ddb.put_item(TableName="cruddur-messages", Item={
        "pk": {"S": "MSG#" + DEMO}, "sk": {"S": "2020-01-01T00:00:00.000000Z"}, "message_uuid": {"S": "old"},
        "message": {"S": "older"}, "user_uuid": {"S": "x"}, "user_display_name": {"S": "x"}, "user_handle": {"S": "x"}})
    wait_caught_up(app.dynamodb_url, "cruddur-messages", os.path.join(app.data_dir, "stream-checkpoint.json"))
    for handle in ("andrewbrown", "bayko"):
        _, groups, _ = app.request("GET", "/api/message_groups", app.token(handle))
        demo = [g for g in groups if g["uuid"] == DEMO][0]
        assert demo["message"] == "newest" and demo["created_at"] == newest["created_at"]
    # Exactly one conversation row per participant survives.
    rows = ddb.query(TableName="cruddur-messages", IndexName="message-group-sk-index",
                     KeyConditionExpression="message_group_uuid = :g", ExpressionAttributeValues={":g": {"S": DEMO}})
    assert rows["Count"] == 2


def test_defect_10_and_11_commands_take_configuration(embedded):
    app = embedded
    ep = ["--endpoint", app.dynamodb_url]
    out = app.run("ddb", "list-tables", *ep).stdout
    assert "cruddur-messages" in out
    conv = app.run("ddb", "get-conversation", DEMO, *ep).stdout
    assert "Demo message 100 of 100 from @bayko" in conv and "(100 rows)" in conv
    lst = json.loads(app.run("ddb", "list-conversations", "bayko", "--json", *ep).stdout)
    assert lst[0]["message_group_uuid"]["S"] == DEMO
    desc = app.run("ddb", "describe-table", *ep).stdout
    assert "message-group-sk-index" in desc
    # Another table name through DDB_MESSAGE_TABLE / --table.
    app.run("ddb", "schema-load", "--table", "other-messages", *ep)
    assert "other-messages" in app.run("ddb", "list-tables", *ep).stdout
    app.run("ddb", "drop", "other-messages", *ep)
    users = app.run("db", "seed")  # the first start seeded them: a second seed changes nothing
    assert "seeded 0 users (4 already present)" in users.stdout


def test_stream_worker_restart_and_replay(embedded, tmp_path):
    """Kill a separately run stream worker mid-stream and restart it: every conversation row ends at
    its true last message; replaying the whole stream from TRIM_HORIZON changes nothing."""
    app = embedded
    import boto3
    ddb = boto3.client("dynamodb", endpoint_url=app.dynamodb_url, region_name="eu-central-1",
                       aws_access_key_id="x", aws_secret_access_key="x")
    app.run("ddb", "schema-load", "--table", "wtest", "--endpoint", app.dynamodb_url)
    users = {h: app.request("GET", f"/api/users/@{h}/short")[1] for h in ("londo", "altbrown", "bayko")}
    groups = {}
    for i, (x, y) in enumerate([("londo", "altbrown"), ("londo", "bayko"), ("altbrown", "bayko")]):
        g = f"00000000-0000-4000-8000-00000000000{i}"
        groups[g] = (x, y)
        for owner, other in ((x, y), (y, x)):
            ddb.put_item(TableName="wtest", Item={"pk": {"S": "GRP#" + users[owner]["uuid"]}, "sk": {"S": f"2026-01-01T00:00:0{i}.000000Z"},
                                                  "message_group_uuid": {"S": g}, "message": {"S": "start"},
                                                  "user_uuid": {"S": users[other]["uuid"]}, "user_display_name": {"S": other},
                                                  "user_handle": {"S": other}})
    last = {}
    for n in range(300):
        g = list(groups)[n % 3]
        sk = f"2026-02-01T00:{n // 60:02d}:{n % 60:02d}.000000Z"
        ddb.put_item(TableName="wtest", Item={"pk": {"S": "MSG#" + g}, "sk": {"S": sk}, "message_uuid": {"S": str(n)},
                                              "message": {"S": f"m{n}"}, "user_uuid": {"S": "u"}, "user_display_name": {"S": "u"},
                                              "user_handle": {"S": "u"}})
        last[g] = (sk, f"m{n}")
    wdir = str(tmp_path / "worker")
    import os
    env = dict(app.env, DDB_MESSAGE_TABLE="wtest")
    base = [os.path.join(os.path.dirname(__file__), "../../build/cruddur") if not os.environ.get("DDB_BUILD_DIR")
            else os.path.join(os.environ["DDB_BUILD_DIR"], "cruddur"), "stream-worker", "--endpoint", app.dynamodb_url, "--data-dir", wdir]
    w = subprocess.Popen(base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    checkpoint = os.path.join(wdir, "stream-checkpoint.json")
    deadline = time.time() + 30  # killed once it has checkpointed a first batch: mid-stream
    while time.time() < deadline and not os.path.exists(checkpoint):
        time.sleep(0.01)
    assert os.path.exists(checkpoint), "the worker never checkpointed"
    w.kill()
    w.wait()
    w.stderr.close()
    w = subprocess.Popen(base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def converged():
        for g, (sk, msg) in last.items():
            rows = ddb.query(TableName="wtest", IndexName="message-group-sk-index", KeyConditionExpression="message_group_uuid = :g",
                             ExpressionAttributeValues={":g": {"S": g}})["Items"]
            if len(rows) != 2 or any(r["sk"]["S"] != sk or r["message"]["S"] != msg for r in rows):
                return False
        return True
    ok = wait_for(converged, 30)
    if not ok:
        w.terminate()
        raise AssertionError("worker did not converge: " + w.stderr.read())
    w.terminate()
    w.wait()
    w.stderr.close()
    before = ddb.scan(TableName="wtest")["Items"]
    # Replay everything from TRIM_HORIZON: no checkpoint.
    os.remove(os.path.join(wdir, "stream-checkpoint.json"))
    w = subprocess.Popen(base, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_caught_up(app.dynamodb_url, "wtest", os.path.join(wdir, "stream-checkpoint.json"))  # the whole replay is done
    w.terminate()
    w.wait()
    w.stderr.close()
    after = ddb.scan(TableName="wtest")["Items"]
    key = lambda i: (i["pk"]["S"], i["sk"]["S"])
    assert sorted(map(json.dumps, sorted(before, key=key))) == sorted(map(json.dumps, sorted(after, key=key)))
