"""The HTTP layer's framing, through the front door: a request that arrives in any number of pieces,
many requests in one write, a large reply read slowly, and valid requests damaged at random. Every
request gets its own answer, in order; bytes the server cannot use get a 4xx or a closed connection,
never a 5xx or a hang; and the server serves others throughout."""
import json
import random
import select
import socket
import threading
import time

from conftest import Server
from hostile import AUTH, alive, call

HEAD = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n"
        "X-Amz-Target: DynamoDB_20120810.{target}\r\nAuthorization: {auth}\r\nContent-Length: {length}\r\n\r\n")


def raw(target, body):
    data = json.dumps(body).encode()
    head = HEAD.format(target=target, auth=AUTH.format(key="dummy", region="us-east-1"), length=len(data))
    return head.encode() + data


def read_reply(f):
    """One reply from a socket's file: (status, headers with lower-case names, body bytes)."""
    status = int(f.readline().split()[1])
    headers = {}
    while True:
        line = f.readline()
        if line in (b"\r\n", b""):
            break
        k, v = line.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    return status, headers, f.read(int(headers["content-length"]))


def connect(port, timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def make_table(port, name):
    status, body = call(port, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [{"AttributeName": "k", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "k", "AttributeType": "S"}]})
    assert status == 200, body


def test_a_request_in_pieces_gets_the_same_answer_as_in_one(server):
    make_table(server.port, "pieces")
    rng = random.Random(7)
    for i in range(12):
        put = raw("PutItem", {"TableName": "pieces", "Item": {"k": {"S": f"k{i}"}, "v": {"S": "x" * rng.randrange(1, 3000)}}})
        get = raw("GetItem", {"TableName": "pieces", "Key": {"k": {"S": f"k{i}"}}})
        data = put + get
        # Byte by byte for the first, then cuts at random places (inside the request line, a header,
        # the blank line, the body, and between the two requests).
        cuts = list(range(1, len(data))) if i == 0 else sorted(rng.sample(range(1, len(data)), rng.randrange(1, 40)))
        with connect(server.port) as s:
            last = 0
            for c in cuts + [len(data)]:
                s.sendall(data[last:c])
                last = c
                time.sleep(0.0003)  # lets the server read each piece on its own
            f = s.makefile("rb")
            (ps, _, pb), (gs, _, gb) = read_reply(f), read_reply(f)
        assert (ps, json.loads(pb)) == (200, {}), pb
        assert gs == 200 and json.loads(gb)["Item"]["k"] == {"S": f"k{i}"}, gb


def test_many_requests_in_one_write_are_answered_in_order(server):
    make_table(server.port, "pipelined")
    data = b"".join(raw("PutItem", {"TableName": "pipelined", "Item": {"k": {"S": f"p{i}"}, "n": {"N": str(i)}}}) +
                    raw("GetItem", {"TableName": "pipelined", "Key": {"k": {"S": f"p{i}"}}}) for i in range(200))
    with connect(server.port, timeout=30) as s:
        s.sendall(data)
        f = s.makefile("rb")
        for i in range(200):
            assert read_reply(f)[0] == 200
            status, _, body = read_reply(f)
            assert status == 200 and json.loads(body)["Item"]["n"] == {"N": str(i)}, (i, body)


def test_a_large_reply_read_slowly_arrives_whole_and_holds_up_no_one(server):
    make_table(server.port, "large")
    for i in range(8):
        status, body = call(server.port, "PutItem", {"TableName": "large", "Item": {"k": {"S": f"l{i}"}, "v": {"S": "y" * 300_000}}})
        assert status == 200, body
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting: a small window
    s.settimeout(30)
    s.connect(("127.0.0.1", server.port))
    with s:
        s.sendall(raw("Scan", {"TableName": "large"}))
        got = s.recv(1024)
        # The reply fills the socket's buffers and waits; others are served meanwhile.
        served = []
        t = threading.Thread(target=lambda: served.append(alive(server.port)))
        t.start()
        t.join(10)
        assert served, "a request waited for a slow reader's reply"
        while b"\r\n\r\n" not in got:
            got += s.recv(1024)
        head, rest = got.split(b"\r\n\r\n", 1)
        length = int([h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")][0].split(b":")[1])
        while len(rest) < length:
            chunk = s.recv(4096)
            assert chunk, "the server closed before the whole reply"
            rest += chunk
        page = json.loads(rest)  # a Scan page stops after 1 MB
        assert page["Count"] >= 3 and len(rest) > 900_000 and "LastEvaluatedKey" in page


def damaged(rng, data):
    """A valid request damaged one way or another."""
    how = rng.randrange(7)
    if how == 0:  # bytes overwritten at random
        b = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if how == 1:  # cut short
        return data[:rng.randrange(len(data))]
    if how == 2:  # a stray CR or LF, or a NUL
        i = rng.randrange(len(data))
        return data[:i] + rng.choice([b"\r", b"\n", b"\0", b"\r\n"]) + data[i:]
    if how == 3:  # a lying Content-Length
        return data.replace(b"Content-Length: ", b"Content-Length: " + rng.choice([b"9", b"-", b"99999999999999999999", b"0x", b" "]), 1)
    if how == 4:  # a chunked body, well-formed or not
        head, body = data.split(b"\r\n\r\n", 1)
        head = b"\r\n".join(h for h in head.split(b"\r\n") if not h.startswith(b"Content-Length"))
        size = rng.choice([b"%x" % len(body), b"zz", b"%x" % (len(body) + 5), b"-1", b"fffffffffffffffff"])
        return head + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + size + b"\r\n" + body + b"\r\n0\r\n\r\n"
    if how == 5:  # a header repeated, or a huge one
        head, body = data.split(b"\r\n\r\n", 1)
        extra = rng.choice([b"Content-Length: 3", b"X-Amz-Target: nothing", b"X-Junk: " + b"j" * rng.randrange(70_000)])
        return head + b"\r\n" + extra + b"\r\n\r\n" + body
    return data + data[:rng.randrange(len(data))]  # a second request cut short


def test_damaged_requests_get_a_4xx_or_a_close_and_the_server_serves_on(server):
    make_table(server.port, "damaged")
    rng = random.Random(11)
    valid = [raw("PutItem", {"TableName": "damaged", "Item": {"k": {"S": "a"}, "m": {"M": {"x": {"N": "1"}}}}}),
             raw("Query", {"TableName": "damaged", "KeyConditionExpression": "k = :k",
                           "ExpressionAttributeValues": {":k": {"S": "a"}}})]
    statuses = set()
    for _ in range(300):
        with connect(server.port) as s:
            out = b""
            try:
                s.sendall(damaged(rng, rng.choice(valid)))
                s.shutdown(socket.SHUT_WR)  # nothing more comes: the server must answer or close
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    out += chunk
            except (ConnectionResetError, BrokenPipeError, OSError) as e:
                # Refused and closed with bytes unread: the reset may come before (or instead of) the answer.
                assert not isinstance(e, socket.timeout), "neither an answer nor a close"
        for part in out.split(b"HTTP/1.1 ")[1:]:
            status = int(part[:3])
            statuses.add(status)
            assert status < 500, out[:2000]
    assert statuses & {200} and statuses & {400, 413}, statuses
    alive(server.port)


def test_a_reply_held_to_be_sent_with_others_does_not_wait_for_a_slow_request():
    # A thread that has other requests ready holds its replies back and sends them together (--reply-batch).
    # Here the one I/O thread (--threads 1) runs a slow Scan, and the standby thread a second one; a GetItem
    # and then a third slow Scan wait meanwhile. The I/O thread takes the GetItem, holds its reply, and takes
    # the third Scan: the held reply must still go out within milliseconds (the standby thread sends a reply
    # held too long), long before that Scan's.
    s = Server("--threads", "1").start()
    try:
        port = s.port
        make_table(port, "slow")
        for i in range(2):
            status, body = call(port, "PutItem", {"TableName": "slow", "Item": {"k": {"S": f"big{i}"}, "l": {"L": [{"N": "1"}] * 50000}}})
            assert status == 200, body
        values = {f":v{i}": {"N": str(i + 2)} for i in range(40)}
        scan = raw("Scan", {"TableName": "slow", "FilterExpression": " OR ".join(f"contains(l, {v})" for v in values),
                            "ExpressionAttributeValues": values, "Select": "COUNT"})
        get = raw("GetItem", {"TableName": "slow", "Key": {"k": {"S": "none"}}})
        for _ in range(3):
            first, second, fast, slow = (connect(port, timeout=120) for _ in range(4))
            with first, second, fast, slow:
                for sock in (first, second, fast, slow):  # each answered once: the server waits on each in order
                    sock.sendall(get)
                    assert read_reply(sock.makefile("rb"))[0] == 200
                for sock, data in ((first, scan), (second, scan), (fast, get), (slow, scan)):
                    sock.sendall(data)
                ready, _, _ = select.select([fast, slow], [], [], 120)
                assert ready == [fast], "the GetItem's reply waited for the Scan that came after it"
                for sock in (first, second, fast, slow):
                    assert read_reply(sock.makefile("rb"))[0] == 200
    finally:
        s.stop()
