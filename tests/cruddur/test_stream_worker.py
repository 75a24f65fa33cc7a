"""The stream worker never wedges: two conversations of one user that get messages with the same
microsecond timestamp collide deterministically (the message rows are written through the DynamoDB
API), and both conversation rows still move, and later messages still move them."""
import datetime
import json
import os

import boto3

from test_e2e import DEMO, wait_for


def stamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def message_row(group, sk, text, user):
    return {"pk": {"S": f"MSG#{group}"}, "sk": {"S": sk}, "message_uuid": {"S": f"raw-{sk}-{group[:8]}"},
            "message": {"S": text}, "user_uuid": {"S": user["uuid"]}, "user_display_name": {"S": user["handle"]},
            "user_handle": {"S": user["handle"]}}


def test_same_microsecond_in_two_conversations_moves_both_rows_and_the_worker_goes_on(embedded):
    app = embedded
    ta = app.token("andrewbrown")
    status, sent, _ = app.request("POST", "/api/messages", ta, {"message": "hi alt", "handle": "altbrown"})
    assert status == 200, sent
    other = sent["message_group_uuid"]
    groups = lambda: {g["uuid"]: g for g in app.request("GET", "/api/message_groups", ta)[1]}  # noqa: E731
    assert wait_for(lambda: other in groups() and DEMO in groups())
    _, me, _ = app.request("GET", "/api/users/@andrewbrown/short", ta)

    ddb = boto3.client("dynamodb", endpoint_url=app.dynamodb_url, region_name="eu-central-1",
                       aws_access_key_id="dummy", aws_secret_access_key="dummy")
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    same = stamp(t)
    for group, text in ((DEMO, "collide in demo"), (other, "collide in other")):
        ddb.put_item(TableName="cruddur-messages", Item=message_row(group, same, text, me))
    mine = lambda: {r["message_group_uuid"]["S"]: r for r in ddb.query(  # noqa: E731
        TableName="cruddur-messages", KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"GRP#{me['uuid']}"}})["Items"]}
    assert wait_for(lambda: all(r["message"]["S"].startswith("collide") for r in mine().values()), timeout=20), mine()
    rows = mine()
    assert sorted(r["sk"]["S"] for r in rows.values()) == [same, stamp(t + datetime.timedelta(microseconds=1))]

    # Later messages in both conversations still move the rows: the worker is not stuck.
    for i, (group, text) in enumerate(((other, "later in other"), (DEMO, "later in demo"))):
        ddb.put_item(TableName="cruddur-messages",
                     Item=message_row(group, stamp(t + datetime.timedelta(milliseconds=10 + i)), text, me))
    assert wait_for(lambda: sorted(r["message"]["S"] for r in mine().values()) == ["later in demo", "later in other"],
                    timeout=20), mine()
    assert not os.path.exists(os.path.join(app.data_dir, "stream-dead-letter.jsonl"))


def test_a_poison_record_is_dead_lettered_and_skipped(embedded):
    """A message whose conversation row cannot be written (it would exceed DynamoDB's 400 KB item
    size) fails every time while DynamoDB answers: after bounded retries it is logged, kept in the
    dead-letter file with its sequence number, and skipped; later messages still move their rows."""
    app = embedded
    ta = app.token("andrewbrown")
    status, sent, _ = app.request("POST", "/api/messages", ta, {"message": "hi londo", "handle": "londo"})
    assert status == 200, sent
    other = sent["message_group_uuid"]
    _, me, _ = app.request("GET", "/api/users/@andrewbrown/short", ta)
    ddb = boto3.client("dynamodb", endpoint_url=app.dynamodb_url, region_name="eu-central-1",
                       aws_access_key_id="dummy", aws_secret_access_key="dummy")
    mine = lambda: {r["message_group_uuid"]["S"]: r for r in ddb.query(  # noqa: E731
        TableName="cruddur-messages", KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": f"GRP#{me['uuid']}"}})["Items"]}
    assert wait_for(lambda: other in mine(), timeout=20)
    # Make andrewbrown's row of the demo conversation carry a 300 KB display name.
    row = mine()[DEMO]
    row["user_display_name"] = {"S": "x" * 300_000}
    ddb.put_item(TableName="cruddur-messages", Item=row)
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
    poison = message_row(DEMO, stamp(t), "y" * 150_000, me)  # row + message > 400 KB
    ddb.put_item(TableName="cruddur-messages", Item=poison)
    later = message_row(other, stamp(t + datetime.timedelta(seconds=1)), "after the poison", me)
    ddb.put_item(TableName="cruddur-messages", Item=later)
    dead = os.path.join(app.data_dir, "stream-dead-letter.jsonl")
    # (The worker moves each conversation once per batch, so the later message's conversation may move
    # before the poison is given up on: both are awaited.)
    assert wait_for(lambda: mine()[other]["message"]["S"] == "after the poison", timeout=60), mine()[other]

    def dead_letters():  # the file's complete lines, once it has one
        if not os.path.exists(dead):
            return None
        with open(dead) as f:
            text = f.read()
        return [json.loads(line) for line in text.splitlines()] if text.endswith("\n") else None
    assert wait_for(dead_letters, timeout=60)
    lines = dead_letters()
    assert len(lines) == 1 and lines[0]["error"] == "ValidationException", lines
    assert lines[0]["record"]["dynamodb"]["Keys"]["sk"]["S"] == stamp(t)
    assert lines[0]["sequence"] == lines[0]["record"]["dynamodb"]["SequenceNumber"]


def test_a_busy_port_is_named_and_exits_1(embedded):
    """Each port cruddur serve needs, when taken, gets a message naming it and exit status 1."""
    import socket
    import subprocess
    from conftest import CRUDDUR
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        for flags, which in ((["--port", str(port), "--ddb-port", "0"], "--port"), (["--port", "0", "--ddb-port", str(port)], "--ddb-port")):
            out = subprocess.run([CRUDDUR, "serve", "--data-dir", os.path.join(embedded.data_dir, "busy"), *flags],
                                 capture_output=True, text=True, timeout=60, env=embedded.env)
            assert out.returncode == 1, (flags, out.returncode, out.stderr)
            assert f"127.0.0.1:{port}" in out.stderr and which in out.stderr, out.stderr
            assert "terminate" not in out.stderr
    finally:
        taken.close()


def test_a_damaged_checkpoint_names_the_file_and_the_way_out():
    """A number where a string belongs, letters in the sequence, an absurd sequence: `cruddur serve`
    refuses to start with a message naming the file and `--from`, never a crash or a silent skip;
    `cruddur stream-worker --from trim-horizon` replaces it."""
    import subprocess
    from conftest import CRUDDUR, Cruddur
    import signal
    app = Cruddur().start()
    cp = os.path.join(app.data_dir, "stream-checkpoint.json")
    assert wait_for(lambda: os.path.exists(cp), timeout=30)
    app.proc.send_signal(signal.SIGTERM)
    app.proc.wait(30)
    good = json.load(open(cp))
    # "9" * 40 is well-formed but past the newest record: resuming after it would skip every record to come.
    for bad in ({**good, "sequence": 12345}, {**good, "shard": 7}, {**good, "sequence": "abc"},
                {**good, "sequence": "9" * 60}, {**good, "sequence": "9" * 40}, "not json"):
        with open(cp, "w") as f:
            f.write(bad if isinstance(bad, str) else json.dumps(bad))
        out = subprocess.run([CRUDDUR, "serve", "--port", "0", "--ddb-port", "0", "--data-dir", app.data_dir],
                             capture_output=True, text=True, timeout=60, env=app.env)
        assert out.returncode == 1, (bad, out.returncode, out.stderr)
        assert cp in out.stderr and "--from trim-horizon" in out.stderr, out.stderr
    # The way out works: the worker alone, over the same data served by ddb-local, replays from the
    # oldest record and writes a good checkpoint; then serve starts again.
    import re
    from conftest import DDB_LOCAL, wait_line
    ddb = subprocess.Popen([DDB_LOCAL, "--port", "0", "-sharedDb", "-dbPath", os.path.join(app.data_dir, "dynamodb")],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        m, _ = wait_line(ddb, r"Listening on (http://127\.0\.0\.1:\d+)")
        worker = subprocess.Popen([CRUDDUR, "stream-worker", "--from", "trim-horizon", "--endpoint", m.group(1),
                                   "--region", "eu-central-1", "--data-dir", app.data_dir],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=app.env)

        def good_checkpoint():
            try:
                return re.fullmatch(r"\d+", json.load(open(cp))["sequence"]) is not None
            except (ValueError, OSError, KeyError, TypeError):
                return False
        assert wait_for(good_checkpoint, timeout=30)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0, worker.stderr.read()
    finally:
        ddb.terminate()
        ddb.wait(10)
    app.start()
    app.stop()
